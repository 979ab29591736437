/**
 * A lock folder (mkdir is atomic) with the owner's pid inside, so concurrent installs wait for each other and a lock
 * left by a killed process is recognised as stale and taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 500;
const GIVE_UP_MS = 30 * 60 * 1000;

export async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (!tryAcquire(lockDir)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for the install lock ${lockDir}`);
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryAcquire(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!ownerAlive(lockDir)) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
  writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  return true;
}

function ownerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch (error) {
    // The owner has made the folder but not yet written its pid: treat it as alive for now.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
