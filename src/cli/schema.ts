/** npm run schema: writes schema/stack.schema.json (for editors completing YAML/JSON stack files). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildJsonSchema } from '../schema';
import { REPO_ROOT } from '../load';

export const SCHEMA_FILE = path.join(REPO_ROOT, 'schema', 'stack.schema.json');
export const schemaText = () => `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;

if (require.main === module) {
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
