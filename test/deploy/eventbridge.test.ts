/**
 * deploy/eventbridge/: the EventBridge rule and the forwarder's CloudFormation template. No AWS
 * account is needed: cfn-lint checks the template against the CloudFormation specification, and
 * the tests check the wiring against the code (the pattern against the sample events and the
 * forwarder's own check, the environment against the Lambda's settings) and least privilege.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { VENV_BIN } from '../../src/dev-server/temporal-cli';
import { checkFlowStatusEvent } from '../../src/events/flow-status-event';
import { forwarderSettingsFromEnv } from '../../src/events/lambda';

const DIR = path.resolve(__dirname, '..', '..', 'deploy', 'eventbridge');
const TEMPLATE = path.join(DIR, 'forwarder.yaml');
const json = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
const template = parse(readFileSync(TEMPLATE, 'utf8')) as {
  Parameters: Record<string, { Type: string; Default?: string; NoEcho?: boolean }>;
  Resources: Record<string, Resource>;
};
const resourcesOf = (type: string): Resource[] =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

/**
 * EventBridge's matching for the patterns used here: every field of the pattern must be in the
 * event, an array lists the values allowed, an object matches the event's object field by field.
 */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, allowed]) => {
    const value = event[field];
    if (Array.isArray(allowed)) return allowed.includes(value);
    return (
      typeof value === 'object' &&
      value !== null &&
      matches(allowed as Record<string, unknown>, value as Record<string, unknown>)
    );
  });
}

describe('deploy/eventbridge', () => {
  const pattern = json('rule-pattern.json');
  const statusChange = json('sample-flow-status-change.json');
  const outputHealth = json('sample-output-health.json');

  it('passes cfn-lint (installed by npm run setup)', async () => {
    const cfnLint = path.join(VENV_BIN, 'cfn-lint');
    expect({ cfnLint, installed: existsSync(cfnLint) }).toEqual({ cfnLint, installed: true });
    const result = await promisify(execFile)(cfnLint, [TEMPLATE]).then(
      () => 'clean',
      (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
    );
    expect(result).toBe('clean');
  }, 120_000);

  it("has one rule whose pattern is rule-pattern.json: it matches a flow status change, not an Output Health event nor another service's", () => {
    const [rule] = resourcesOf('AWS::Events::Rule');
    expect(resourcesOf('AWS::Events::Rule')).toHaveLength(1);
    expect(rule.Properties.EventPattern).toEqual(pattern);
    expect(matches(pattern, statusChange)).toBe(true);
    expect(matches(pattern, outputHealth)).toBe(false);
    expect(matches(pattern, { ...statusChange, source: 'aws.medialive' })).toBe(false);
    // What the rule lets through, the forwarder takes; what it filters out, the forwarder would drop.
    expect(checkFlowStatusEvent(statusChange).ok).toBe(true);
    expect(checkFlowStatusEvent(outputHealth).ok).toBe(false);
  });

  it("gives the function's role nothing but writing its own log group: no wildcard action or resource, no managed policy", () => {
    const [role] = resourcesOf('AWS::IAM::Role');
    expect(resourcesOf('AWS::IAM::Role')).toHaveLength(1);
    expect(resourcesOf('AWS::IAM::Policy')).toEqual([]);
    expect(resourcesOf('AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = (
      role.Properties.Policies as {
        PolicyDocument: { Statement: { Effect: string; Action: string[]; Resource: unknown }[] };
      }[]
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    const actions = statements.flatMap((statement) => statement.Action);
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': ['ForwarderLogGroup', 'Arn'] });
    }
    const trust = role.Properties.AssumeRolePolicyDocument as { Statement: { Principal: unknown }[] };
    expect(trust.Statement.map((statement) => statement.Principal)).toEqual([{ Service: 'lambda.amazonaws.com' }]);
  });

  it('lets only this rule invoke the function', () => {
    const permissions = resourcesOf('AWS::Lambda::Permission');
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'ForwarderFunction' },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['FlowStatusChangeRule', 'Arn'] },
      },
    ]);
  });

  it('takes the Temporal API key from Secrets Manager by reference, never as a value', () => {
    const [fn] = resourcesOf('AWS::Lambda::Function');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.TEMPORAL_API_KEY).toEqual({
      'Fn::If': [
        'HasApiKey',
        { 'Fn::Sub': '{{resolve:secretsmanager:${TemporalApiKeySecretArn}:SecretString}}' },
        { Ref: 'AWS::NoValue' },
      ],
    });
    // No parameter takes a key itself, and nothing in the template looks like one.
    expect(
      Object.keys(template.Parameters).filter((name) => /key|token|password/i.test(name) && !/Arn$|S3Key$/.test(name)),
    ).toEqual([]);
    expect(readFileSync(TEMPLATE, 'utf8')).not.toMatch(/TEMPORAL_API_KEY:[ \t]*['"]?[A-Za-z0-9]/);
  });

  it("sets exactly the variables the Lambda's settings read, and they parse", () => {
    const [fn] = resourcesOf('AWS::Lambda::Function');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual(
      [
        'MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE',
        'MEDIACONNECT_WATCHER_WORKFLOW_TYPES',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_API_KEY',
        'TEMPORAL_NAMESPACE',
      ].sort(),
    );
    // The parameters' defaults are settings the Lambda accepts.
    expect(
      forwarderSettingsFromEnv({
        TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
        MEDIACONNECT_WATCHER_WORKFLOW_TYPES: template.Parameters.WatcherWorkflowTypes.Default,
        MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE: template.Parameters.FlowArnSearchAttribute.Default,
      }).forward,
    ).toEqual({ watcherWorkflowTypes: ['eventDay', 'takeFleetOffline'], searchAttribute: true });
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  it('bounds retries: a failed event is retried, and dropped once older than the workflows need it', () => {
    const [invokeConfig] = resourcesOf('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 });
    const [rule] = resourcesOf('AWS::Events::Rule');
    const [target] = rule.Properties.Targets as { RetryPolicy: { MaximumEventAgeInSeconds: number } }[];
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(600);
  });
});
