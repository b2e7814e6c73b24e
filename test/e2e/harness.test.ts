/** The e2e harness fails, never skips, when a binary is missing, and its waits are bounded. */
import { requireBinary, waitFor } from './harness';

test('a missing binary is an error naming the Debian package to install', () => {
  expect(() => requireBinary('E2E_TEST_UNSET_BIN', ['prometheus-does-not-exist'])).toThrow(/not found on PATH.*apt-get install -y prometheus prometheus-alertmanager/);
  process.env.E2E_TEST_BIN = '/nonexistent/amtool';
  try {
    expect(() => requireBinary('E2E_TEST_BIN', ['amtool'])).toThrow(/not an executable file.*Debian package "prometheus-alertmanager"/);
  } finally {
    delete process.env.E2E_TEST_BIN;
  }
});

test('waitFor gives up after its time bound with the last observation', async () => {
  let calls = 0;
  await expect(
    waitFor('something that never happens', () => {
      calls++;
      return undefined;
    }, { timeoutMs: 300, intervalMs: 50 }),
  ).rejects.toThrow(/timed out after 300 ms waiting for something that never happens/);
  expect(calls).toBeLessThanOrEqual(8);
});
