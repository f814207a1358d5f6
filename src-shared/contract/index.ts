/**
 * The whole contract between the renderer (or a browser, or the CLI) and the
 * services. Channel names are `group:method`. Every door validates inputs and
 * outputs against these schemas at run time.
 */
import type { z } from 'zod';
import type { Result } from '../result';
import { evaluationContract } from './evaluation';
import { labelsContract } from './labels';
import { libraryContract } from './library';
import type { MethodSpec } from './method';
import { searchContract } from './search';
import { systemContract } from './system';
import { trainingContract } from './training';
import { viewerContract } from './viewer';

export const contract = {
  library: libraryContract,
  labels: labelsContract,
  search: searchContract,
  system: systemContract,
  viewer: viewerContract,
  training: trainingContract,
  evaluation: evaluationContract,
} as const;

export type Contract = typeof contract;
export type GroupName = keyof Contract;
export type MethodName<G extends GroupName> = keyof Contract[G] & string;
export type Channel = { [G in GroupName]: `${G}:${MethodName<G>}` }[GroupName];

type Spec<G extends GroupName, M extends MethodName<G>> = Contract[G][M] extends MethodSpec ? Contract[G][M] : never;
export type InputOf<G extends GroupName, M extends MethodName<G>> = z.input<Spec<G, M>['input']>;
export type ParsedInputOf<G extends GroupName, M extends MethodName<G>> = z.output<Spec<G, M>['input']>;
export type OutputOf<G extends GroupName, M extends MethodName<G>> = z.output<Spec<G, M>['output']>;

/** What a client sees: one typed interface per group, every call resolves to a Result. */
export type ClientApi = {
  [G in GroupName]: { [M in MethodName<G>]: (input: InputOf<G, M>) => Promise<Result<OutputOf<G, M>>> };
};
export type LibraryApi = ClientApi['library'];
export type SearchApi = ClientApi['search'];
export type SystemApi = ClientApi['system'];
export type ViewerApi = ClientApi['viewer'];
export type LabelsApi = ClientApi['labels'];
export type TrainingApi = ClientApi['training'];
export type EvaluationApi = ClientApi['evaluation'];

/** What the main process implements: parsed input in, plain value out (may throw AppError). */
export type ServiceImpl = {
  [G in GroupName]: { [M in MethodName<G>]: (input: ParsedInputOf<G, M>) => Promise<OutputOf<G, M>> | OutputOf<G, M> };
};

export function channelsOf(c: Contract = contract): Channel[] {
  const out: string[] = [];
  for (const group of Object.keys(c) as GroupName[]) {
    for (const name of Object.keys(c[group])) out.push(`${group}:${name}`);
  }
  return out as Channel[];
}

export function lookupChannel(channel: string): { group: GroupName; method: string; spec: MethodSpec } | null {
  const match = /^([a-z]+):([A-Za-z]+)$/.exec(channel);
  if (!match) return null;
  const [, group, name] = match as unknown as [string, string, string];
  if (!Object.hasOwn(contract, group)) return null;
  const methods = contract[group as GroupName] as Record<string, MethodSpec>;
  if (!Object.hasOwn(methods, name)) return null;
  return { group: group as GroupName, method: name, spec: methods[name]! };
}

export * from './events';
export * from './library';
export * from './search';
export * from './system';
export * from './viewer';
export * from './labels';
export * from './training';
export * from './evaluation';
export * from '../result';
