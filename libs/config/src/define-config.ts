import { z } from 'zod';

/** One environment variable: how to parse it, what it is for, and whether it is a secret. */
export interface EnvVar<T extends z.ZodType = z.ZodType> {
  schema: T;
  description: string;
  /** Sensitive values are redacted from logs and error messages. */
  sensitive?: boolean;
}

export type EnvSpec = Record<string, EnvVar>;

export type ConfigOf<S extends EnvSpec> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown at boot when one or more variables are invalid; names every one of them. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} variable${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Declares a service's configuration; keeps the spec's types for `loadConfig`. */
export function defineConfig<S extends EnvSpec>(spec: S): S {
  return spec;
}

/**
 * Parses every variable of `spec` from `env` and fails with all the bad ones at once.
 * Values of sensitive variables never appear in the error.
 */
export function loadConfig<S extends EnvSpec>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const issues: ConfigIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name];
    const parsed = variable.schema.safeParse(raw === '' ? undefined : raw);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const message = parsed.error.issues.map((i) => i.message).join('; ');
      issues.push({
        variable: name,
        message: raw === undefined ? `${message} (not set)` : message,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(out) as ConfigOf<S>;
}

/** Names of the variables flagged sensitive: the logger redacts these. */
export function sensitiveKeys(spec: EnvSpec): string[] {
  return Object.entries(spec)
    .filter(([, v]) => v.sensitive === true)
    .map(([k]) => k);
}

/**
 * `loadConfig` for a process entry point: on invalid configuration it prints every bad
 * variable, prefixed with the program's name, and exits 1.
 */
export function loadConfigOrExit<S extends EnvSpec>(spec: S, program: string): ConfigOf<S> {
  try {
    return loadConfig(spec);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${program}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
