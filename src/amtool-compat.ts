/**
 * Webhook `url_file` arrived in Alertmanager 0.26; an older amtool (Debian's is 0.25) rejects it, so checks run on
 * a copy where each `url_file` is replaced by a placeholder `url`, and say so.
 */
/** alertmanager.yml as an amtool of `version` [major, minor] accepts it. */
export function amtoolCompatibleText(text: string, version: [number, number] | undefined): string {
  if (version && (version[0] > 0 || version[1] >= 26)) return text;
  return text.replace(/^([\s-]+)url_file: .*$/gm, '$1url: http://url-file-placeholder.invalid/');
}
