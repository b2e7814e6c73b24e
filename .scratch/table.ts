import { CHECKS } from '../src/checks';
console.log(['| id | severity | what it checks |', '|---|---|---|', ...CHECKS.filter((c) => !c.id.startsWith('dashboards/')).map((c) => `| \`${c.id}\` | ${c.target === 'config' ? 'at load' : c.severity} | ${c.description.replace(/\|/g, '\\|')} |`)].join('\n'));
