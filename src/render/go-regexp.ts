/**
 * Go's regexp.ReplaceAllString for the template function reReplaceAll. RE2 syntax is translated to a JS RegExp
 * where the two agree; what JS would read differently (lookaround, backreferences) is refused, since RE2 has none.
 */
import { GoTemplateError } from './go-format';

export class UnsupportedRegexp extends Error {}

/** A JS RegExp matching what RE2 matches for `pattern`; throws UnsupportedRegexp otherwise. */
export function goRegExp(pattern: string): RegExp {
  let src = pattern;
  let flags = 'g';
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    if (inline[1].includes('U')) throw new UnsupportedRegexp('the (?U) flag is not supported');
    flags += inline[1];
    src = src.slice(inline[0].length);
  }
  if (/\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</.test(src)) throw new UnsupportedRegexp(`${JSON.stringify(pattern)} uses lookaround or a backreference, which Go's RE2 does not have`);
  src = src.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw new UnsupportedRegexp(`${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`);
  }
}

export function checkGoRegexp(pattern: string): void {
  goRegExp(pattern);
}

/** regexp.MustCompile(pattern).ReplaceAllString(text, repl): `$1`, `${1}`, `$name`; empty matches next to a match are skipped. */
export function goReplaceAll(pattern: string, repl: string, text: string): string {
  let re: RegExp;
  try {
    re = goRegExp(pattern);
  } catch (err) {
    throw new GoTemplateError((err as Error).message);
  }
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (const m of text.matchAll(re)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (m[0] === '' && start === prevEnd) continue;
    out += text.slice(last, start) + expand(repl, m);
    last = end;
    prevEnd = end;
  }
  return out + text.slice(last);
}

/** Go's Regexp.Expand: `$name` takes the longest run of letters, digits and `_`; an unknown group is empty. */
function expand(template: string, m: RegExpMatchArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _all, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}
