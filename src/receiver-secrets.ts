/**
 * Secrets in receivers: every secret reference names a secret, and every URL given as a plain string is one that
 * carries no credential (src/credential-urls.ts). The fields are read off the schema (receiverSecretFields), so a new
 * receiver type is checked as soon as it uses ReceiverSecret or ReceiverUrl. Messages never repeat the value: it may
 * be the very credential.
 */
import type { ReceiverConfig } from './schema';
import { receiverSecretFields } from './schema';
import { plainUrlVerdict } from './credential-urls';

type Add = (parts: Array<string | number>, message: string) => void;

const SECRET_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;
let receiverFields: ReturnType<typeof receiverSecretFields> | undefined;

type SetSecret = (name: string, value?: string) => string;
/** How to store a secret for the stack the config came from (`stacks/<name>.*` is Pulumi stack <name>). */
function setSecretCommand(source: string): SetSecret {
  const stack = /(?:^|[\\/])stacks[\\/]([A-Za-z0-9_-]+)\.(?:ts|ya?ml|json)$/.exec(source)?.[1] ?? '<stack>';
  return (name, value = '<the URL>') => `pulumi config set --stack ${stack} --secret ${name} '${value}'`;
}

/** A secret name for a receiver's field, e.g. receiver "team-pager", field "url" → "teamPagerUrl". */
const suggestedName = (receiver: string, field: string) =>
  (receiver.replace(/[-_]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()) + field[0].toUpperCase() + field.slice(1)).slice(0, 63);

/** Adds a problem for every bad secret name or credential-carrying plain URL in one receiver. */
export function checkReceiverSecrets(receiver: ReceiverConfig, parts: Array<string | number>, source: string, add: Add): void {
  receiverFields ??= receiverSecretFields();
  const setSecret = setSecretCommand(source);
  for (const [type, fields] of Object.entries(receiverFields)) {
    const configs = ((receiver as Record<string, unknown>)[type] ?? []) as Array<Record<string, unknown>>;
    configs.forEach((config, j) => {
      for (const field of [...fields.secretOnly, ...fields.url]) {
        const value = config[field];
        const here = [...parts, type, j, field];
        const name = suggestedName(receiver.name, field);
        const store = `write { secret: "${name}" } here and store the URL under that name with: ${setSecret(name)}`;
        if (value && typeof value === 'object') checkSecretName((value as { secret: string }).secret, [...here, 'secret'], name, setSecret, add);
        else if (typeof value === 'string') checkPlainUrl(value, here, name, store, add);
      }
    });
  }
}

function checkSecretName(secret: string, parts: Array<string | number>, suggestion: string, setSecret: SetSecret, add: Add): void {
  if (SECRET_NAME.test(secret)) return;
  const what = /^[a-z][a-z0-9+.-]*:\/\//i.test(secret) ? 'the URL' : 'the secret value';
  add(
    parts,
    `{ secret: … } takes the name of a Pulumi secret (letters, digits, "_" and "-", starting with a letter), not ${what} ` +
      `itself; write { secret: "${suggestion}" } and store the value under that name with: ${setSecret(suggestion, `<${what}>`)}`,
  );
}

function checkPlainUrl(text: string, parts: Array<string | number>, suggestion: string, store: string, add: Add): void {
  const verdict = plainUrlVerdict(text);
  if (verdict.ok) return;
  if (verdict.kind === 'invalid')
    add(parts, `${verdict.reason}; expected a plain http(s) URL of an internal endpoint such as "http://alert-relay:8080/alerts", or a secret reference { secret: "${suggestion}" }`);
  else add(parts, `${verdict.reason}; a URL that can carry a credential is kept as a Pulumi secret: ${store}`);
}
