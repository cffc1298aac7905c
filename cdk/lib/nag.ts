/** Acknowledging cdk-nag findings: each with the reason it is accepted, kept beside the code. */
import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A finding (`AwsSolutions-IAM5[Resource::*]`, or a rule id) and why it is accepted. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Accepts `findings` on `construct` (and what it contains). */
export function acknowledge(construct: IConstruct, findings: Acknowledgement[]) {
  for (const finding of findings) Validations.of(construct).acknowledge(finding);
}

/** How cdk-nag writes an intrinsic in a finding: `<Logical.Attr>`, `<Ref>`, joins flattened. */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(rendered).join(separator);
  }
  return JSON.stringify(value);
}

/** The acknowledgement of one wildcard resource (`AwsSolutions-IAM5[Resource::…]`). */
export function wildcard(stack: Stack, resource: string, reason: string): Acknowledgement {
  return { id: `AwsSolutions-IAM5[Resource::${rendered(stack.resolve(resource))}]`, reason };
}
