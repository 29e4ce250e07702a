import { projectRoot } from '../../project-root.js';
import { resolveTemporalBinary, TemporalBinaryNotFoundError } from './temporal-binaries.js';

// `npm run tools:temporal`: fetch (or locate) both Temporal servers ahead of time.
try {
  for (const kind of ['cli', 'test-server'] as const) {
    const resolved = await resolveTemporalBinary(kind, { projectRoot, allowSdkDownload: false });
    if (resolved.kind === 'path') console.log(`${kind}: ${resolved.path} (${resolved.source})`);
  }
} catch (error) {
  if (error instanceof TemporalBinaryNotFoundError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
