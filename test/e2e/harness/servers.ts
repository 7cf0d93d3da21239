// Redis, PostgreSQL and Kafka (KRaft) on 127.0.0.1 and free ports, from the
// binaries that scripts/provision.sh installed/cached.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, readFileSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { join } from "node:path";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import { freePort, loadRuntime, tcpOpen, tempDir, waitFor } from "./util.js";

export interface Server {
  port: number;
  proc: ManagedProcess;
  logs(): string;
  stop(): Promise<void>;
}

function exitedReason(p: ManagedProcess): () => string | undefined {
  return () => (p.hasExited() ? `${p.name} exited early; log:\n${p.logs().slice(-4000)}` : undefined);
}

// ------------------------------------------------------------------ Redis
export interface RedisServer extends Server {
  /** host:port for Dapr's redisHost */
  host: string;
}

/** Files of a server certificate (PEM) and the CA that signed it. */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

function redisPing(port: number, opts: { tls?: TlsFiles; password?: string } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const s = opts.tls ? tlsConnect({ port, host: "127.0.0.1", servername: "localhost", ca: readFileSync(opts.tls.ca) }) : new Socket();
    let buf = "";
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    // AUTH first when there is a password: then PING's answer is the second line
    const commands = [...(opts.password ? [`AUTH ${opts.password}`] : []), "PING"];
    s.setTimeout(1000, () => done(false));
    s.once("error", () => done(false));
    s.on("data", (d) => {
      buf += d.toString();
      const lines = buf.split("\r\n").filter(Boolean);
      if (lines.length >= commands.length) done(lines[commands.length - 1]!.startsWith("+PONG"));
    });
    const send = () => s.write(commands.map((c) => `${c}\r\n`).join(""));
    if (opts.tls) s.once("secureConnect", send);
    else (s as Socket).connect(port, "127.0.0.1", send);
  });
}

/**
 * Redis on 127.0.0.1. With `tls` it serves only TLS on that port (no plain-text listener), with the
 * given certificate; with `password` it requires AUTH.
 */
export async function startRedis(opts: { deadlineMs?: number; tls?: TlsFiles; password?: string } = {}): Promise<RedisServer> {
  const rt = loadRuntime();
  const port = await freePort();
  const dir = tempDir("redis");
  const listen = opts.tls
    ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", opts.tls.cert, "--tls-key-file", opts.tls.key, "--tls-ca-cert-file", opts.tls.ca, "--tls-auth-clients", "no"]
    : ["--port", String(port)];
  const proc = spawnManaged({
    name: `redis-${port}`,
    command: rt.redisServer,
    args: [
      ...listen,
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--protected-mode",
      "yes",
      ...(opts.password ? ["--requirepass", opts.password] : []),
    ],
    cwd: dir,
    deadlineMs: opts.deadlineMs,
  });
  await waitFor(`redis on ${port}`, () => redisPing(port, opts), { timeoutMs: 15_000, abortIf: exitedReason(proc) });
  return { port, host: `127.0.0.1:${port}`, proc, logs: () => proc.logs(), stop: () => proc.stop() };
}

// ------------------------------------------------------------------ PostgreSQL
export interface PostgresServer extends Server {
  database: string;
  user: string;
  password: string;
  /** libpq key/value connection string for Dapr's state.postgresql */
  connectionString: string;
  /** run SQL as the superuser through psql; returns stdout */
  psql(sql: string, database?: string): string;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

export async function startPostgres(opts: { deadlineMs?: number; database?: string; user?: string; password?: string } = {}): Promise<PostgresServer> {
  const rt = loadRuntime();
  const ids = postgresIds(); // as root: run initdb/postgres as the 'postgres' user
  const port = await freePort();
  const dir = tempDir("pg");
  const data = join(dir, "data");
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
  }
  chmodSync(dir, 0o700);
  const database = opts.database ?? "dapr";
  const user = opts.user ?? "dapr";
  const password = opts.password ?? "dapr";
  execFileSync(join(rt.pgBin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], {
    uid: ids?.uid,
    gid: ids?.gid,
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  const proc = spawnManaged({
    name: `postgres-${port}`,
    command: join(rt.pgBin, "postgres"),
    args: ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    cwd: dir,
    uid: ids?.uid,
    gid: ids?.gid,
    deadlineMs: opts.deadlineMs,
  });
  const psql = (sql: string, db = "postgres") =>
    execFileSync(join(rt.pgBin, "psql"), ["-h", dir, "-p", String(port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql], {
      uid: ids?.uid,
      gid: ids?.gid,
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    }).toString();
  await waitFor(`postgres on ${port}`, () => psql("SELECT 1").trim() === "1", { timeoutMs: 30_000, abortIf: exitedReason(proc) });
  psql(`CREATE USER ${user} PASSWORD '${password}'`);
  psql(`CREATE DATABASE ${database} OWNER ${user}`);
  return {
    port,
    proc,
    database,
    user,
    password,
    connectionString: `host=127.0.0.1 port=${port} user=${user} password=${password} database=${database} sslmode=disable`,
    psql,
    logs: () => proc.logs(),
    // postgres: SIGTERM = smart shutdown; SIGINT (fast) would be quicker, SIGKILL follows after the grace time
    stop: () => proc.stop(5000),
  };
}

// ------------------------------------------------------------------ Kafka (KRaft, single node)
export interface KafkaServer extends Server {
  /** "127.0.0.1:port" for Dapr's brokers */
  brokers: string;
  controllerPort: number;
}

export async function startKafka(opts: { deadlineMs?: number; heapMb?: number } = {}): Promise<KafkaServer> {
  const rt = loadRuntime();
  const port = await freePort();
  const controllerPort = await freePort();
  const dir = tempDir("kafka");
  const props = join(dir, "server.properties");
  writeFileSync(
    props,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      "inter.broker.listener.name=PLAINTEXT",
      `log.dirs=${join(dir, "data")}`,
      "num.partitions=1",
      "auto.create.topics.enable=true",
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "log.flush.interval.messages=1000000",
      "",
    ].join("\n"),
  );
  const cp = join(rt.kafkaLibs, "*");
  const jvm = [`-Xms128m`, `-Xmx${opts.heapMb ?? 512}m`, `-Dlog4j2.configurationFile=${rt.kafkaLog4j}`, "-Djava.awt.headless=true"];
  // Kafka cluster ids are 16 random bytes, base64url without padding; like Kafka's own
  // Uuid.randomUuid() avoid a leading '-', which the storage tool's parser takes for an option
  let clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
  const fmt = spawnManaged({
    name: `kafka-format-${port}`,
    command: rt.java,
    args: [...jvm, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props],
    cwd: dir,
    deadlineMs: 120_000,
  });
  const res = await fmt.exited;
  if (res.code !== 0) throw new Error(`kafka storage format failed (${res.code ?? res.signal}):\n${fmt.logs().slice(-4000)}`);
  await fmt.stop();
  const proc = spawnManaged({
    name: `kafka-${port}`,
    command: rt.java,
    args: [...jvm, "-cp", cp, "kafka.Kafka", props],
    cwd: dir,
    deadlineMs: opts.deadlineMs,
  });
  await waitFor(`kafka on ${port}`, async () => /Kafka Server started/.test(proc.logs()) && (await tcpOpen(port)), {
    timeoutMs: 90_000,
    intervalMs: 300,
    abortIf: exitedReason(proc),
  });
  return { port, controllerPort, brokers: `127.0.0.1:${port}`, proc, logs: () => proc.logs(), stop: () => proc.stop(10_000) };
}
