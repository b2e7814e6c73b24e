/** index.ts reports a bad stack config as a Pulumi RunError (printed without a stack trace), before any resource. */
import * as pulumi from '@pulumi/pulumi';

test('an unknown Pulumi stack name is a RunError naming the known stacks', async () => {
  const created: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'monitoring-stack',
    'no-such-stack',
  );
  const err = await import('../index').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(pulumi.RunError.isInstance(err as Error)).toBe(true);
  expect((err as Error).message).toMatch(/invalid stack config:\n.*no such stack "no-such-stack"; known stacks: .*dev/);
  expect(created).toEqual([]);
});
