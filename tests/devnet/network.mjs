// Starts a real local Bluesky network (PLC + PDS + AppView, with bsync and ozone
// that the AppView needs) from @atproto/dev-env, for the devnet integration tests.
//
// Environment:
//   DEVNET_POSTGRES_URL     postgres URL (default: the cluster .ci/devnet-setup.sh starts)
//   DEVNET_POSTGRES_SCHEMA  schema suffix, letters/underscores only (default: random)
//
// Protocol (one JSON object per line on stdout; logs go to stderr):
//   on start:         {"ready": true, "pds": URL, "appview": URL, "plc": URL, "startup_ms": N}
//   stdin "sync":     waits until the AppView has indexed everything the PDS sequenced,
//                     then prints {"synced": true} (or {"synced": false, "error": "..."})
//   stdin closed / SIGTERM / SIGINT: shuts the network down and exits 0.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Database, TestNetwork } from '@atproto/dev-env'

const DEFAULT_POSTGRES_URL = 'postgresql://devnet:devnet@127.0.0.1:54329/devnet'

function schemaSuffix() {
  const requested = process.env.DEVNET_POSTGRES_SCHEMA
  if (requested === undefined || requested === '') {
    // Postgres schema names used by dev-env must be plain letters/underscores.
    const letters = 'abcdefghijklmnopqrstuvwxyz'
    return 'devnet_' + [...randomBytes(10)].map((b) => letters[b % 26]).join('')
  }
  if (!/^[a-z_]+$/i.test(requested)) {
    throw new Error(`DEVNET_POSTGRES_SCHEMA must be letters/underscores, got ${JSON.stringify(requested)}`)
  }
  return requested
}

function emit(message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

async function dropSchemas(postgresUrl, suffix) {
  // Every run gets fresh schemas; drop them so repeated runs don't pile up tables.
  const database = new Database({ url: postgresUrl, schema: 'public' })
  try {
    for (const prefix of ['appview_', 'bsync_', 'ozone_']) {
      await database.db.schema.dropSchema(prefix + suffix).ifExists().cascade().execute()
    }
  } finally {
    await database.close()
  }
}

function privateTempDir() {
  // Each PDS puts its data and blob folders under os.tmpdir() and never removes them:
  // point TMPDIR at a folder of our own (dev-env's shared port-lock folder was placed at import).
  const scratch = mkdtempSync(join(tmpdir(), 'backchannel-devnet-'))
  process.env.TMPDIR = scratch
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
}

async function main() {
  // dev-env asserts REDIS_HOST is set, yet never connects to it in this setup.
  process.env.REDIS_HOST ??= '127.0.0.1:6379'
  const suffix = schemaSuffix()
  privateTempDir()
  const started = Date.now()
  const postgresUrl = process.env.DEVNET_POSTGRES_URL || DEFAULT_POSTGRES_URL
  const network = await TestNetwork.create({
    dbPostgresUrl: postgresUrl,
    dbPostgresSchema: suffix,
  })
  emit({
    ready: true,
    pds: network.pds.url,
    appview: network.bsky.url,
    plc: network.plc.url,
    startup_ms: Date.now() - started,
  })

  let closing = null
  const shutdown = (reason) => {
    closing ??= (async () => {
      console.error(`devnet: shutting down (${reason})`)
      try {
        await network.close()
        await dropSchemas(postgresUrl, suffix)
      } catch (err) {
        console.error('devnet: error while closing', err)
      }
      process.exit(0)
    })()
    return closing
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  const commands = createInterface({ input: process.stdin })
  for await (const line of commands) {
    const command = line.trim()
    if (command === 'sync') {
      try {
        await network.processAll()
        emit({ synced: true })
      } catch (err) {
        emit({ synced: false, error: String(err) })
      }
    } else if (command !== '') {
      emit({ error: `unknown command ${JSON.stringify(command)}` })
    }
  }
  await shutdown('stdin closed')
}

main().catch((err) => {
  console.error('devnet: failed to start', err)
  emit({ ready: false, error: String(err?.stack ?? err) })
  process.exit(1)
})
