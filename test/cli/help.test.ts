import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { buildCli } from '../../src/cli/main.js';
import { runScimd } from '../helpers/cli.js';

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}

describe('scimd --help', () => {
  test('every option has a description', () => {
    for (const command of allCommands(buildCli())) {
      for (const option of command.options) {
        assert.ok(option.description, `${commandPath(command)} ${option.flags} has no description`);
      }
    }
  });

  test('every kit command has a description', () => {
    const kit = allCommands(buildCli()).filter((command) =>
      /^scimd (admin|keys|token|scim)\b/.test(commandPath(command)),
    );
    for (const command of kit) {
      assert.ok(command.description(), `${commandPath(command)} has no description`);
    }
  });

  test('scim help names the settings', async () => {
    const result = await runScimd(['scim', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /SCIMD_SCIM_URL/);
    assert.match(result.stdout, /SCIMD_TOKEN/);
    assert.match(result.stdout, /--issuer <url>/);
  });
});
