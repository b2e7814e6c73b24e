/**
 * The resource graph of a stack without any backend: the MonitoringStack (or KubernetesMonitoringStack) runs in-process under Pulumi's mock
 * runtime and every resource registration is recorded as Pulumi would send it to the engine. synth writes it as
 * `resources.json`: `{ type, name, parent, inputs, options }` per resource, sorted, with every secret value
 * replaced by SECRET_MARKER. Nothing is created anywhere.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Stack } from './schema';
import { placeholderSecret, requiredSecrets } from './pulumi/secrets';

export const PULUMI_PROJECT = 'monitoring-stack';
export const SECRET_MARKER = '[secret]';
/** What the mock RandomPassword returns; never a real password. */
export const MOCK_GENERATED_PASSWORD = 'mock-generated-password';

export interface RecordedResource {
  /** Pulumi type token, e.g. `docker:index/container:Container`. */
  type: string;
  name: string;
  /** Name of the parent resource, or null. */
  parent: string | null;
  /** Inputs as serialized for the engine: secrets are `{ [specialSigKey]: specialSecretSig, value }` objects. */
  inputs: Record<string, unknown>;
  /** Resource options that were set (retainOnDelete, protect, deleteBeforeReplace, replaceOnChanges, ...). */
  options: Record<string, unknown>;
}

export interface GraphOptions {
  /** Pulumi config of the project, keys without the `monitoring-stack:` prefix. */
  config?: Record<string, string>;
  /** Which of those keys are secrets. */
  secretKeys?: string[];
  /**
   * Fill every missing required secret with a placeholder (synth has no real secrets). Default true.
   * The Grafana admin password is left out, so the graph shows the generated-password path.
   */
  placeholderSecrets?: boolean;
}

const isSecret = (v: unknown): v is { value: unknown } =>
  !!v && typeof v === 'object' && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/**
 * Replaces serialized secrets by the marker and sorts object keys (stable bytes). As a second line of defence, a
 * string containing one of `known` (secret values) is replaced as well, even if it was not marked secret.
 */
export function redact(value: unknown, known: string[] = []): unknown {
  if (isSecret(value)) return SECRET_MARKER;
  if (typeof value === 'string') return known.some((k) => k && value.includes(k)) ? SECRET_MARKER : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, known));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, redact(obj[k], known)]));
  }
  return value;
}

const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf('::') + 2);

// The Pulumi runtime is process-global: one graph at a time.
let queue: Promise<unknown> = Promise.resolve();

/** Runs the MonitoringStack for `stack` under mocks and returns every registered resource (raw, secrets marked). */
export function recordResources(stack: Stack, options: GraphOptions = {}): Promise<RecordedResource[]> {
  const run = queue.then(() => record(stack, options));
  queue = run.catch(() => undefined);
  return run;
}

/** The Pulumi config a run sees: the given one plus placeholders for missing required secrets. */
function effectiveConfig(stack: Stack, options: GraphOptions): { config: Record<string, string>; secretKeys: Set<string> } {
  const config: Record<string, string> = { ...(options.config ?? {}) };
  const secretKeys = new Set(options.secretKeys ?? []);
  if (options.placeholderSecrets ?? true) {
    for (const name of requiredSecrets(stack)) {
      if (!(name in config)) {
        config[name] = placeholderSecret(stack, name);
        secretKeys.add(name);
      }
    }
  }
  return { config, secretKeys };
}

/** Every secret value a run can know: secret config values and the mock's generated password. */
export function knownSecretValues(stack: Stack, options: GraphOptions = {}): string[] {
  const { config, secretKeys } = effectiveConfig(stack, options);
  return [...[...secretKeys].map((k) => config[k]).filter((v): v is string => !!v), MOCK_GENERATED_PASSWORD];
}

async function record(stack: Stack, options: GraphOptions): Promise<RecordedResource[]> {
  const { config, secretKeys } = effectiveConfig(stack, options);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PULUMI_PROJECT}:${k}`, v])),
    [...secretKeys].map((k) => `${PULUMI_PROJECT}:${k}`),
  );

  const recorded: RecordedResource[] = [];
  const failures: unknown[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const extra: Record<string, unknown> = {};
        if (args.type === 'docker:index/remoteImage:RemoteImage') extra.imageId = args.inputs.name;
        if (args.type === 'random:index/randomPassword:RandomPassword') extra.result = MOCK_GENERATED_PASSWORD;
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    PULUMI_PROJECT,
    stack.name,
    false,
  );
  // Record each registration as the engine would receive it (the mocks' own view has secrets unwrapped).
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: (err: unknown, res: unknown) => void): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    try {
      recorded.push(fromRequest(req));
    } catch (err) {
      failures.push(err);
    }
    return original(req, (err, res) => {
      if (err) failures.push(err);
      cb(err, res);
    });
  };

  // Required here: the program module must load after the mocks are in place (require, not import(): the
  // CommonJS build needs no ESM loader).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MonitoringStack } = require('./pulumi/stack') as typeof import('./pulumi/stack');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KubernetesMonitoringStack } = require('./pulumi/kubernetes/stack') as typeof import('./pulumi/kubernetes/stack');
  // Pulumi captures a stack trace for every promise and resource it creates (for its own leak reports and source
  // positions, which the graph does not record); formatting them, source-mapped under tsx and jest, costs about half
  // a second for the dev stack. Errors keep their message.
  const { sourceMapsEnabled } = process;
  const { stackTraceLimit } = Error;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  try {
    // The same program index.ts runs, by target.
    if (stack.target.kind === 'kubernetes') new KubernetesMonitoringStack('monitoring', { stack });
    else new MonitoringStack('monitoring', { stack });
    await waitForRegistrations();
  } finally {
    process.setSourceMapsEnabled(sourceMapsEnabled);
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (failures.length > 0) throw failures[0];
  return recorded.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
}

function fromRequest(req: RegisterRequest): RecordedResource {
  const options: Record<string, unknown> = {};
  if (req.getProtect()) options.protect = true;
  if (req.getRetainondelete()) options.retainOnDelete = true;
  if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
  const lists: Array<[string, string[]]> = [
    ['replaceOnChanges', req.getReplaceonchangesList()],
    ['ignoreChanges', req.getIgnorechangesList()],
    ['additionalSecretOutputs', req.getAdditionalsecretoutputsList()],
    ['dependsOn', [...new Set(req.getDependenciesList().map(nameOfUrn))]],
  ];
  for (const [key, list] of lists) if (list.length > 0) options[key] = [...list].sort();
  return {
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent() ? nameOfUrn(req.getParent()) : null,
    inputs: req.getObject()?.toJavaScript() ?? {},
    options,
  };
}

/** Waits until the runtime has no registration in flight. */
async function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
  // Registrations that an Output resolution starts late: let the event loop settle as well.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}

/** resources.json: the recorded graph with secrets replaced by SECRET_MARKER, as stable JSON. */
export function resourcesJson(resources: RecordedResource[], knownSecrets: string[] = []): string {
  const known = knownSecrets.filter((k) => k.length > 0);
  return `${JSON.stringify(resources.map((r) => ({ ...r, inputs: redact(r.inputs, known), options: redact(r.options, known) })), null, 2)}\n`;
}

/** The synth artifact for a stack. */
export async function resourceGraphJson(stack: Stack, options: GraphOptions = {}): Promise<string> {
  return resourcesJson(await recordResources(stack, options), knownSecretValues(stack, options));
}
