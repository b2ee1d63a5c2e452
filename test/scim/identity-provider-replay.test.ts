import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, scim, useScimServer } from './scim-client.js';

// Request sequences written out from the provisioning documentation of Microsoft Entra ID
// ("Develop and plan provisioning for a SCIM endpoint") and Okta ("SCIM 2.0 protocol reference").

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

describeEachDatabase('SCIM identity provider replay', (database) => {
  const fixture = useScimServer(database);
  const base = () => baseUrl(fixture.server, fixture.provisioned.directory.id);
  const call = (path: string, method = 'GET', body?: unknown) =>
    scim(`${base()}${path}`, { token: fixture.token, method, ...(body ? { body } : {}) });
  const query = (path: string, filter: string, extra = '') =>
    call(`${path}?filter=${encodeURIComponent(filter)}${extra}`);

  test('Entra ID user lifecycle and group push', async () => {
    const userName = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1';

    const lookup = await query('/Users', `userName eq "${userName}"`);
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.totalResults, 0);

    const created = await call('/Users', 'POST', {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    assert.equal(created.status, 201);
    const userId = created.body.id as string;

    const manager = await call('/Users', 'POST', {
      schemas: [USER],
      userName: 'manager@example.com',
    });
    assert.equal(manager.status, 201);

    const updated = await call(`/Users/${userId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Replace',
          path: 'emails[type eq "work"].value',
          value: 'updatedEmail@microsoft.com',
        },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager.body.id },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Finance' },
      ],
    });
    assert.equal(updated.status, 200);

    const group = await call('/Groups', 'POST', {
      schemas: [GROUP, ENTRA_GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    assert.equal(group.status, 201);
    const groupId = group.body.id as string;

    const groupLookup = await query(
      '/Groups',
      'displayName eq "displayName"',
      '&excludedAttributes=members',
    );
    assert.equal(groupLookup.body.totalResults, 1);

    const addMember = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    assert.equal(addMember.status, 204);

    const rename = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'renamed' }],
    });
    assert.equal(rename.status, 204);

    const disabled = await call(`/Users/${userId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    assert.equal(disabled.status, 200);

    const user = await call(`/Users/${userId}`);
    assert.equal(user.body.active, false);
    assert.deepEqual(user.body.emails, [
      { primary: true, type: 'work', value: 'updatedEmail@microsoft.com' },
    ]);
    assert.equal(user.body.name.familyName, 'updatedFamilyName');
    assert.deepEqual(user.body[ENTERPRISE], {
      manager: { value: manager.body.id },
      department: 'Finance',
    });
    assert.deepEqual(user.body.groups, [
      { value: groupId, display: 'renamed', type: 'direct', $ref: `${base()}/Groups/${groupId}` },
    ]);

    const removeMember = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    assert.equal(removeMember.status, 204);
    assert.equal((await call(`/Groups/${groupId}`)).body.members, undefined);

    assert.equal((await call(`/Users/${userId}`, 'DELETE')).status, 204);
    assert.equal((await call(`/Users/${userId}`)).status, 404);
    assert.equal((await call(`/Groups/${groupId}`, 'DELETE')).status, 204);
    assert.equal((await call(`/Groups/${groupId}`)).status, 404);
  });

  test('Okta user lifecycle and group push', async () => {
    const lookup = await query(
      '/Users',
      'userName eq "test.user@okta.local"',
      '&startIndex=1&count=100',
    );
    assert.equal(lookup.body.totalResults, 0);

    const created = await call('/Users', 'POST', {
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    assert.equal(created.status, 201);
    const userId = created.body.id as string;

    const replaced = await call(`/Users/${userId}`, 'PUT', {
      schemas: [USER],
      id: userId,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Middle', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: true,
      meta: { resourceType: 'User', created: created.body.meta.created },
    });
    assert.equal(replaced.status, 200);

    const groupLookup = await query(
      '/Groups',
      'displayName eq "Test SCIMv2"',
      '&startIndex=1&count=100',
    );
    assert.equal(groupLookup.body.totalResults, 0);

    const group = await call('/Groups', 'POST', {
      schemas: [GROUP],
      displayName: 'Test SCIMv2',
      members: [],
    });
    assert.equal(group.status, 201);
    const groupId = group.body.id as string;

    const addMember = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2' } },
        { op: 'add', path: 'members', value: [{ value: userId, display: 'test.user@okta.local' }] },
      ],
    });
    assert.equal(addMember.status, 204);

    const rename = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2 renamed' } }],
    });
    assert.equal(rename.status, 204);
    const afterRename = await call(`/Groups/${groupId}`);
    assert.deepEqual(
      afterRename.body.members.map((member: { value: string }) => member.value),
      [userId],
    );

    const deactivated = await call(`/Users/${userId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    assert.equal(deactivated.status, 200);

    const user = await call(`/Users/${userId}`);
    assert.equal(user.body.active, false);
    assert.equal(user.body.displayName, 'Another User');
    assert.equal(user.body.name.middleName, 'Middle');
    assert.equal(user.body.password, undefined);
    assert.equal(user.body.groups[0].value, groupId);

    const removeMember = await call(`/Groups/${groupId}`, 'PATCH', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }],
    });
    assert.equal(removeMember.status, 204);

    // Okta deactivates users instead of deleting them; groups it deletes.
    assert.equal((await call(`/Groups/${groupId}`, 'DELETE')).status, 204);
    const users = await query('/Users', 'userName eq "test.user@okta.local"');
    assert.equal(users.body.totalResults, 1);
    assert.equal(users.body.Resources[0].active, false);
    assert.equal(users.body.Resources[0].groups, undefined);
  });
});
