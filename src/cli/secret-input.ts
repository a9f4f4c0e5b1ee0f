// Where a command takes a secret from: standard input (`--…-stdin`) or an environment variable,
// never the command line, which shell histories and the process list keep. The argv form still
// works, with a warning.
import { UsageError } from './args.ts';

export interface SecretSources {
  /** The argv value, if given (deprecated). */
  argv: string | undefined;
  argvFlag: string;
  stdin: boolean | undefined;
  stdinFlag: string;
  envName: string;
}

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line from stdin: the trailing newline `echo` or a heredoc adds is not part of the secret. */
export function firstLine(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The secret from exactly one source, or undefined when none was given. */
export async function takeSecret(s: SecretSources, env: NodeJS.ProcessEnv = process.env, input: NodeJS.ReadableStream = process.stdin): Promise<string | undefined> {
  const fromEnv = env[s.envName];
  const given = [s.argv !== undefined, s.stdin === true].filter(Boolean).length;
  if (given > 1) throw new UsageError(`give the secret once: ${s.stdinFlag} or ${s.argvFlag}, not both`);
  if (s.stdin) {
    const secret = firstLine(await readStdin(input));
    if (!secret) throw new UsageError(`${s.stdinFlag}: standard input was empty; pipe the secret in, e.g. printf %s "$SECRET" | termbridge …`);
    if (secret.includes('\n')) throw new UsageError(`${s.stdinFlag}: the secret is one line; standard input had several`);
    return secret;
  }
  if (s.argv !== undefined) {
    process.stderr.write(
      `warning: ${s.argvFlag} puts the secret in your shell history and the process list; use ${s.stdinFlag} or the ${s.envName} environment variable instead\n`,
    );
    return s.argv;
  }
  return fromEnv ? fromEnv : undefined;
}
