/**
 * The app as `bin/app.ts` builds it, for the infra tests: both stacks, both cdk-nag packs, bundling skipped
 * (context `aws:cdk:bundling-stacks: []`: the template is the same, and esbuild is slow).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { buildStages } from '../../lib/infra/app';

export type SynthOptions = {
  /** Context on top of cdk.json's (as `-c key=value` would give). */
  context?: Record<string, unknown>;
  /** Bundle the functions with esbuild (slow); skipped unless asked. */
  bundle?: boolean;
  outdir?: string;
};

/** Builds the app from cdk.json's context plus `context`; nothing is synthesised yet. */
export function buildApp(options: SynthOptions = {}) {
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'zone-eval-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const { stage, settings, data, service } = buildStages(app);
  return { app, outdir, stage, settings, data, service };
}

/** Builds and synthesises the app (cdk-nag runs: any unacknowledged finding throws). */
export function synthApp(options: SynthOptions = {}) {
  const built = buildApp(options);
  const assembly = built.app.synth();
  return {
    ...built,
    assembly,
    dataTemplate: Template.fromStack(built.data),
    serviceTemplate: Template.fromStack(built.service),
  };
}
