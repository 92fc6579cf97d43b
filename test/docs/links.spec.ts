import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { documentationFiles, readDoc, ROOT, splitMarkdown } from './markdown-files';

/**
 * Every link of the README and the docs/ pages that points inside the repository resolves: a
 * relative path names a file or folder that exists, and a `#anchor` (alone, or after a path to a
 * Markdown file) names a heading of that page, slugged as GitHub slugs headings. Links to other
 * sites are not fetched.
 */
describe('documentation links', () => {
  it('finds links to check', () => {
    expect(documentationFiles().flatMap((path) => linksOf(readDoc(path))).length).toBeGreaterThan(50);
  });

  it.each(documentationFiles())('%s: every intra-repo link resolves', (path) => {
    const broken = linksOf(readDoc(path))
      .map((link) => ({ link, problem: problemOf(path, link.target) }))
      .filter((found) => found.problem !== null)
      .map(({ link, problem }) => `${path}:${link.line} ${link.target}: ${problem}`);
    expect(broken).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('Memory (`MemorySessionStore`)')).toBe('memory-memorysessionstore');
    expect(slug('TypeORM (`TypeOrmSessionStore`: PostgreSQL, MySQL/MariaDB, SQLite)')).toBe('typeorm-typeormsessionstore-postgresql-mysqlmariadb-sqlite');
    expect(slug("Wiring with `@nestjs/typeorm` (the app's own DataSource)")).toBe('wiring-with-nestjstypeorm-the-apps-own-datasource');
    expect(slug('NestJS 12.5.1 on Node 24.22.3')).toBe('nestjs-1251-on-node-24223');
    expect(slug('Failover, measured')).toBe('failover-measured');
    expect(slug('**Bold** and [a link](x.md) and snake_case')).toBe('bold-and-a-link-and-snake_case');
    expect(anchorsOf('# A\n\n## A\n\n```bash\n# not a heading\n```\n\n## A\n')).toEqual(new Set(['a', 'a-1', 'a-2']));
  });
});

interface Link {
  target: string;
  line: number;
}

/** Inline links and images, and reference definitions, outside code blocks and code spans. */
function linksOf(text: string): Link[] {
  const lines = splitMarkdown(text).prose.split('\n');
  const links: Link[] = [];
  lines.forEach((raw, index) => {
    const line = raw.replace(/(`+)[\s\S]*?\1/g, '');
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1], line: index + 1 });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ target: definition[1], line: index + 1 });
  });
  return links;
}

/** Why a link does not resolve, or null when it does (links to other sites are not checked). */
function problemOf(from: string, target: string): string | null {
  if (target === '') return 'empty link';
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null;
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
  if (pathPart.startsWith('/')) return 'absolute path: use a path relative to the page';
  const file = pathPart === '' ? from : posix.normalize(posix.join(posix.dirname(from), pathPart));
  if (file.startsWith('..')) return 'points outside the repository';
  const full = join(ROOT, file);
  if (!existsSync(full)) return `no such file: ${file}`;
  if (anchor === null) return null;
  if (statSync(full).isDirectory() || !file.endsWith('.md')) return `an anchor on ${file}, which is not a Markdown page`;
  return anchorsOf(readDoc(file)).has(anchor) ? null : `no heading with the anchor #${anchor} in ${file}`;
}

/** The anchors GitHub gives a page's headings (ATX headings outside code blocks). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of splitMarkdown(text).prose.split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/**
 * GitHub's heading slug (github-slugger): the heading's rendered text, lower-cased, every
 * character that is not a letter, a mark, a digit, `_`, `-` or a space removed, spaces made `-`.
 */
function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2');
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}
