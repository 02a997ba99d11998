import type { LabCheck } from './check';
import { lab1 } from './lab1';
import { lab2 } from './lab2';
import { lab3 } from './lab3';
import { lab4 } from './lab4';
import { lab5 } from './lab5';
import { lab6 } from './lab6';
import { lab7 } from './lab7';
import { lab8 } from './lab8';
import { lab9 } from './lab9';

/** Each lab's check, by the lab's number in workshop/. */
export const CHECKS: ReadonlyMap<number, LabCheck> = new Map([
  [1, lab1],
  [2, lab2],
  [3, lab3],
  [4, lab4],
  [5, lab5],
  [6, lab6],
  [7, lab7],
  [8, lab8],
  [9, lab9],
]);

export type { CheckContext, Criterion, LabCheck } from './check';
