/**
 * Small file systems for disk-fault tests and benches (root only): a tmpfs of a given size to fill (ENOSPC), and an
 * ext4 image on a loop device mounted `errors=remount-ro`, whose kernel-forced read-only switch (EROFS through files
 * already open for writing, as after a disk error) is triggered through ext4's sysfs `trigger_fs_error`. A plain
 * `mount -o remount,ro` cannot do that: Linux refuses it (EBUSY) while any file on the mount is open for writing.
 * Every helper runs the real tools (mount, umount, losetup, mkfs.ext4, e2fsck) and throws a `ScratchMountError`
 * saying what was refused and why, so a test that cannot mount fails saying so rather than skipping.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statfsSync, truncateSync, unlinkSync, writeSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ScratchMountCode = 'MOUNT_NOT_PERMITTED' | 'MOUNT_TOOL_FAILED';

export class ScratchMountError extends Error {
  constructor(
    readonly code: ScratchMountCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScratchMountError';
  }
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status === 0) return result.stdout.trim();
  const said = `${result.stderr.trim()}${result.error ? ` ${result.error.message}` : ''}`;
  const refused = /permission denied|only root|must be superuser|operation not permitted/i.test(said);
  throw new ScratchMountError(
    refused ? 'MOUNT_NOT_PERMITTED' : 'MOUNT_TOOL_FAILED',
    `${command} ${args.join(' ')} failed (exit ${String(result.status)}): ${said}${
      refused ? ' — disk-fault cases need root (mount, losetup) on this machine' : ''
    }`,
  );
}

/** Mounts a tmpfs of `sizeBytes` on `dir` (which must exist). */
export function mountTmpfs(dir: string, sizeBytes: number): void {
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir]);
}

export function unmount(dir: string): void {
  run('umount', [dir]);
}

/** Whether `dir` is a mount point now (so `finally` blocks unmount only what is mounted). */
export function isMountPoint(dir: string): boolean {
  return spawnSync('mountpoint', ['-q', dir]).status === 0;
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
  run('mount', ['-o', `remount,${mode}`, dir]);
}

/** Bytes an unprivileged writer can still allocate on `dir`'s file system. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Writes `name` in `dir` until the file system answers ENOSPC, in shrinking chunks so that at most a page's slack
 * is left; returns the filler's path (delete it to free the space).
 */
export function fillFileSystem(dir: string, name = 'filler.bin'): string {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  try {
    for (const chunk of [1024 * 1024, 64 * 1024, 4096, 512]) {
      const bytes = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          writeSync(fd, bytes);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

export function removeFile(file: string): void {
  unlinkSync(file);
}

export interface Ext4Image {
  readonly image: string;
  readonly loopDevice: string;
}

/**
 * Creates a sparse ext4 image of `sizeBytes`, attaches it to a free loop device and mounts it on `dir` with
 * `errors=remount-ro`, the setting under which the kernel turns a file system read-only after an error.
 */
export function mountExt4Image(image: string, dir: string, sizeBytes: number): Ext4Image {
  writeFileSync(image, '');
  truncateSync(image, sizeBytes);
  run('mkfs.ext4', ['-q', '-F', image]);
  const loopDevice = run('losetup', ['--find', '--show', image]);
  try {
    run('mount', ['-o', 'errors=remount-ro', loopDevice, dir]);
  } catch (error) {
    detachLoop(loopDevice);
    throw error;
  }
  return { image, loopDevice };
}

/** Mounts an image already attached to its loop device again (after `repairExt4`). */
export function mountExt4(ext4: Ext4Image, dir: string): void {
  run('mount', ['-o', 'errors=remount-ro', ext4.loopDevice, dir]);
}

/**
 * Makes the kernel record an ext4 error on the mounted image; with `errors=remount-ro` it switches the file system
 * to read-only at once, and writes through already-open files fail with EROFS, as after a failing disk.
 */
export function triggerExt4Error(ext4: Ext4Image): void {
  const control = `/sys/fs/ext4/${path.basename(ext4.loopDevice)}/trigger_fs_error`;
  try {
    writeFileSync(control, 'fhirledger disk-fault case');
  } catch (error) {
    throw new ScratchMountError(
      'MOUNT_NOT_PERMITTED',
      `cannot write ${control}: ${(error as Error).message} — the EROFS case needs root and ext4's sysfs controls`,
    );
  }
}

/** e2fsck -fy on the unmounted image: what an operator runs before mounting a file system that saw an error. */
export function repairExt4(ext4: Ext4Image): void {
  const result = spawnSync('e2fsck', ['-f', '-y', ext4.loopDevice], { encoding: 'utf8', timeout: 60_000 });
  // e2fsck exits 1 when it corrected something, which is the expected outcome after a forced error.
  if (result.status !== 0 && result.status !== 1) {
    throw new ScratchMountError(
      'MOUNT_TOOL_FAILED',
      `e2fsck -f -y ${ext4.loopDevice} failed (exit ${String(result.status)}): ${result.stdout}${result.stderr}`,
    );
  }
}

export function detachLoop(loopDevice: string): void {
  run('losetup', ['-d', loopDevice]);
}

/**
 * Creates and removes a probe file in `dir`: undefined when that works, else the errno code (EROFS on a file system
 * the kernel made read-only, which `findmnt` may still list as `rw` with `emergency_ro`).
 */
export function writeRefusal(dir: string): string | undefined {
  const probe = path.join(dir, '.write-probe');
  try {
    writeFileSync(probe, 'probe');
    unlinkSync(probe);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}
