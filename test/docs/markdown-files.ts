import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root, from test/docs. */
export const ROOT = join(__dirname, '..', '..');

/** README.md and every page under docs/, as paths relative to the root (forward slashes). */
export function documentationFiles(): string[] {
  const pages: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(relative(ROOT, path).split('\\').join('/'));
    }
  };
  walk(join(ROOT, 'docs'));
  return ['README.md', ...pages.sort()];
}

/** A fenced code block: its language tag, its text, and the line its fence opens on. */
export interface FencedBlock {
  lang: string;
  code: string;
  line: number;
}

/**
 * Splits Markdown into its fenced code blocks and the prose between them (with each block's
 * lines blanked, so line numbers stay right and nothing inside a block counts as a link).
 */
export function splitMarkdown(text: string): { blocks: FencedBlock[]; prose: string } {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  const prose: string[] = [];
  let open: { fence: string; lang: string; line: number; body: string[] } | null = null;
  for (const [index, line] of lines.entries()) {
    const fence = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (open) {
      // A fence closes on a line of the same character, at least as long, with nothing after it.
      const closes = fence?.[1].startsWith(open.fence[0]) && fence[1].length >= open.fence.length && line.trim() === fence[1];
      if (closes) {
        blocks.push({ lang: open.lang, code: `${open.body.join('\n')}\n`, line: open.line });
        open = null;
      } else open.body.push(line);
      prose.push('');
    } else if (fence) {
      open = { fence: fence[1], lang: fence[2], line: index + 1, body: [] };
      prose.push('');
    } else prose.push(line);
  }
  if (open) throw new Error(`a code fence opened on line ${open.line} is never closed`);
  return { blocks, prose: prose.join('\n') };
}

/** The text of a documentation file. */
export function readDoc(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}
