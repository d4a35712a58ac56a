// Every CLI command, in the order `cendence --help` lists them: the steps, then the tools.
import { STEPS } from '../../steps/index.js';
import type { Command } from '../command.js';
import { stepCommand } from '../step-command.js';
import { doctorCommand } from './doctor.js';
import { emulatorCommand } from './emulator.js';

export const COMMANDS: Command[] = [...STEPS.map(stepCommand), emulatorCommand, doctorCommand];
