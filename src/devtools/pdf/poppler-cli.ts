import { resolvePoppler } from './poppler.js';

// `npm run tools:pdf`: finds (or installs) the poppler-utils the PDF tests read invoices with.
const poppler = resolvePoppler();
console.log(`pdftotext: ${poppler.pdftotext}\npdftoppm: ${poppler.pdftoppm}\npdfinfo: ${poppler.pdfinfo}`);
