import { resolveChromium } from './chromium.js';

// `npm run tools:browser`: finds (or installs) the Chromium the browser tests use.
console.log(`chromium: ${resolveChromium()}`);
