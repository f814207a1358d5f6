#!/usr/bin/env node
/** Entry point of the `convirt` bin; the program itself is in main.ts. */
import { main } from './main';

void main(process.argv).then((code) => {
  if (code !== 0) process.exitCode = code;
});
