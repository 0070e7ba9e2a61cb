import { notYet } from '../scripts/not-yet';

notYet('The benchmarks (card I/O and the unlock flow against a baseline)', 5);
