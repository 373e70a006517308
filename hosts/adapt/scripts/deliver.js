'use strict';
// Delivers the outbox after an Adapt build, detached from it (see
// postbuild.js): opens the store through the Node.js host, syncs for at most
// `timeoutMs`, closes and exits. What is not delivered by then stays queued.
//   COURSECREW_DELIVER='{"plugin", "options", "timeoutMs"}' node deliver.js

const { open } = require(process.env.COURSECREW_NODE_HOST || 'coursecrew');

async function main() {
  const { plugin, options, timeoutMs } = JSON.parse(process.env.COURSECREW_DELIVER || '{}');
  const cc = open({ plugin, options });
  try {
    await cc.sync({ timeoutMs: timeoutMs || 120000 });
  } catch {
    // Not delivered in time, or a target refused: the outbox keeps it.
  } finally {
    await cc.close();
  }
}

main().catch(() => process.exit(1));
