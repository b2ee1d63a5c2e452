// Deterministic user and group bodies for the benchmark: the same index always gives the same
// user, so that the HTTP seeder, the storage seeder and the POST case send the same shapes.
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../src/scim/schema/user.js';

const GIVEN_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const FAMILY_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Legal', 'Marketing'];

/** Builds user `index` as identity providers send it: name, a primary work email, enterprise data. */
export function userBody(prefix: string, index: number): Record<string, unknown> {
  const givenName = GIVEN_NAMES[index % GIVEN_NAMES.length]!;
  const familyName = FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length) % FAMILY_NAMES.length]!;
  const userName = `${givenName}.${familyName}.${index}@${prefix}.example.com`.toLowerCase();

  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName,
    externalId: `${prefix}-${index}`,
    name: { formatted: `${givenName} ${familyName}`, givenName, familyName },
    displayName: `${givenName} ${familyName}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    [ENTERPRISE_USER_SCHEMA]: {
      employeeNumber: String(index),
      department: DEPARTMENTS[index % DEPARTMENTS.length],
    },
  };
}
