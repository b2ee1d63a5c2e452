import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';

describe('ScimError', () => {
  test('uniqueness carries status 409', () => {
    const error = ScimError.of('uniqueness', 'userName "a" is already used in this directory');
    assert.equal(error.status, 409);
    assert.equal(error.scimType, 'uniqueness');
  });

  test('invalidFilter carries status 400', () => {
    assert.equal(ScimError.of('invalidFilter', 'bad filter').status, 400);
  });

  test('error without keyword has no scimType', () => {
    const error = ScimError.withStatus(404, 'User x not found');
    assert.equal(error.scimType, undefined);
    assert.deepEqual(error.toBody(), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User x not found',
    });
  });

  test('body carries status as a string', () => {
    assert.deepEqual(ScimError.of('invalidValue', 'userName is required').toBody(), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidValue',
      detail: 'userName is required',
    });
  });
});
