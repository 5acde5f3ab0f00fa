// Child processes for bench/bridge.bench.ts: spawning them with a raised open-file limit, waiting for the
// line that says they are ready, and reading what they cost (resident memory, CPU time of every thread).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// Each idle tunnel holds two descriptors in the bridge (WebSocket and TCP). Where the hard limit cannot be
// raised (containers without CAP_SYS_RESOURCE) the soft limit goes as high as the hard one allows.
const raiseFileLimit = 'ulimit -n 65536 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"';

export function fileLimit(): number {
  return Number(execFileSync('bash', ['-c', `${raiseFileLimit}; ulimit -n`], { encoding: 'utf8' }).trim());
}

/**
 * Runs `node --import tsx ...args` (`node ...args` for built JavaScript), stdout piped (for waitFor), stderr
 * passed through.
 */
export function spawnNode(
  args: string[],
  options: { raiseFileLimit?: boolean; nodeFlags?: string[]; javascript?: boolean } = {},
) {
  const loader = options.javascript ? [] : ['--import', 'tsx'];
  const node = [process.execPath, ...(options.nodeFlags ?? []), ...loader, ...args];
  return options.raiseFileLimit
    ? spawn('bash', ['-c', `${raiseFileLimit}; exec "$@"`, 'bash', ...node], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the first match of `pattern` in the child's stdout; fails after `ms` or if it exits. */
export function waitFor(
  child: ChildProcess,
  pattern: RegExp,
  ms: number,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.length > 100_000) output = output.slice(-10_000);
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what}: process exited with ${code}`)));
  });
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Process ids of `pid` and all its descendants alive now (websockify serves each tunnel in a fork). */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const task of safeList(`/proc/${tree[i]}/task`)) {
      const children = safeRead(`/proc/${tree[i]}/task/${task}/children`).trim();
      if (children) tree.push(...children.split(/\s+/).map(Number));
    }
  }
  return tree;
}

/** What the scheduler recorded for one thread (/proc/PID/task/TID/schedstat). */
export interface ThreadTimes {
  /** Nanoseconds on a CPU. */
  run: number;
  /** Nanoseconds runnable but waiting for a CPU (time lost to other processes on the machine). */
  wait: number;
  /** Times it was scheduled in: each wakeup or preemption costs one. */
  slices: number;
}

/**
 * Scheduler figures of each thread of `pid` (GC, libuv pool...) so far, by thread id, in nanoseconds
 * (unlike the 10 ms ticks of /proc/PID/stat). With `descendants`, the threads of its child processes too:
 * websockify serves each connection in a fork.
 */
export function threadTimes(pid: number, descendants: boolean): Map<number, ThreadTimes> {
  const byThread = new Map<number, ThreadTimes>();
  for (const member of descendants ? processTree(pid) : [pid]) {
    for (const task of safeList(`/proc/${member}/task`)) {
      const [run, wait, slices] = safeRead(`/proc/${member}/task/${task}/schedstat`).split(' ').map(Number);
      if (Number.isFinite(run) && Number.isFinite(wait) && Number.isFinite(slices))
        byThread.set(Number(task), { run: run!, wait: wait!, slices: slices! });
    }
  }
  return byThread;
}

/**
 * The figures between two readings: threads that appeared count from zero, threads that ended in between
 * are left out (a fork of an earlier connection winding down, idle by then).
 */
export function timesSpent(before: Map<number, ThreadTimes>, after: Map<number, ThreadTimes>): ThreadTimes {
  const total = { run: 0, wait: 0, slices: 0 };
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { run: 0, wait: 0, slices: 0 };
    total.run += now.run - then.run;
    total.wait += now.wait - then.wait;
    total.slices += now.slices - then.slices;
  }
  return total;
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return []; // the process or thread ended between listing and reading
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
