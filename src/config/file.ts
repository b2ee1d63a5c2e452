import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Config, ConfigError, loadConfig } from './index.js';

type Env = Record<string, string | undefined>;

/**
 * Loads the configuration from a settings file and the environment; a variable set in the
 * environment wins over the same setting in the file. File keys are the variable names without
 * `SCIMD_`, in lower case (`public_url`, `database_url`). A key that no setting reads is an error.
 */
export function loadConfigWithFile(file: string | undefined, env: Env = process.env): Config {
  if (file === undefined) return loadConfig(env);

  const fromFile = readSettingsFile(file);
  const merged: Env = { ...fromFile };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') merged[name] = value;
  }

  const { config, read } = loadTracked(merged);

  const unknown = Object.keys(fromFile).filter((name) => !read.has(name));
  if (unknown.length > 0) {
    const keys = unknown.map((name) => name.replace(/^SCIMD_/, '').toLowerCase());
    throw new ConfigError(`${file}: unknown setting ${keys.join(', ')}`);
  }
  return config;
}

/** Variables that the client-side commands, tests and benchmarks read, not the server. */
const CLIENT_VARIABLES = new Set([
  'SCIMD_URL',
  'SCIMD_TOKEN',
  'SCIMD_SCIM_URL',
  'SCIMD_CLIENT_SECRET',
  'SCIMD_TEST_DATABASE_URL',
  'SCIMD_BENCH_DATABASE_URL',
]);

/**
 * Lists the `SCIMD_*` environment variables that no server setting reads, such as a misspelt
 * name. They are not errors, because the client-side commands share the environment.
 */
export function unusedEnvironmentVariables(env: Env = process.env): string[] {
  const { read } = loadTracked(env);

  return Object.keys(env)
    .filter((name) => name.startsWith('SCIMD_') && env[name]?.trim())
    .filter((name) => !read.has(name) && !CLIENT_VARIABLES.has(name))
    .sort();
}

/**
 * Loads the configuration and records every variable name the loader reads. The loader reads
 * each setting by name, so a name it never reads is no setting.
 */
function loadTracked(env: Env): { config: Config; read: Set<string> } {
  const read = new Set<string>();
  const tracked = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  return { config: loadConfig(tracked), read };
}

/** Reads a `.json`, `.yaml` or `.yml` settings file into environment-variable form. */
export function readSettingsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the settings file ${file}: ${(error as Error).message}`);
  }

  const document = parseDocument(file, text);
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`${file} must hold one object of settings`);
  }

  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!/^[a-z][a-z0-9_]*$/.test(key)) {
      throw new ConfigError(
        `${file}: setting names are lower case with underscores, such as public_url; got "${key}"`,
      );
    }
    settings[key === 'node_env' ? 'NODE_ENV' : `SCIMD_${key.toUpperCase()}`] = settingText(
      file,
      key,
      value,
    );
  }
  return settings;
}

function parseDocument(file: string, text: string): unknown {
  const extension = path.extname(file).toLowerCase();
  try {
    if (extension === '.json') return JSON.parse(text);
    if (extension === '.yaml' || extension === '.yml') return parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid ${extension.slice(1)}: ${(error as Error).message}`,
    );
  }
  throw new ConfigError(`${file}: the settings file must end in .json, .yaml or .yml`);
}

/** Turns a file value into the text an environment variable would hold. */
function settingText(file: string, key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.join(',');
  }
  throw new ConfigError(`${file}: ${key} must be a string, number, boolean or list of strings`);
}
