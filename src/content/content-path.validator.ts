/** Longest path accepted through the API, and longest name of one folder or file (most file systems: 255 bytes). */
const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_BYTES = 255;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why a path given to the content API cannot name a post file, or undefined when it can. A post file is a `*.md`
 * file below the content folder, named with plain folder names, not hidden and not a README (the folder's notes,
 * which plan sync does not import either). Checked before anything touches the disk.
 */
export function contentPathProblem(path: string): string | undefined {
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path);
  const fix = 'use a relative path of plain folder names ending in .md, e.g. "2026-12/launch.md"';
  if (CONTROL.test(path) || path.includes('\\')) {
    return `${shown} is not a content file path: control characters and backslashes are not allowed; ${fix}`;
  }
  if (path.length > MAX_PATH_LENGTH) {
    return `the path is ${path.length} characters, at most ${MAX_PATH_LENGTH} are allowed; ${fix}`;
  }
  const segments = path.split('/');
  if (
    path.startsWith('/') ||
    segments.some(
      (segment) => segment === '' || segment === '.' || segment === '..' || segment.startsWith('.'),
    )
  ) {
    return `${shown} is not a content file path: ${fix}`;
  }
  const long = segments.find((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES);
  if (long) {
    return `a folder or file name in the path is ${Buffer.byteLength(long)} bytes, at most ${MAX_SEGMENT_BYTES} are allowed; ${fix}`;
  }
  const name = segments[segments.length - 1].toLowerCase();
  if (!name.endsWith('.md')) {
    return `${shown} is not a post file: posts are Markdown files ending in .md; ${fix}`;
  }
  if (name === 'readme.md') {
    return `${shown} is the folder's README, not a post: plan sync does not import READMEs; pick another name`;
  }
  return undefined;
}
