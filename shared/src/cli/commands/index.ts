// Every CLI command, in the order `cendence --help` lists them. Add a step's command here when it lands.
import type { Command } from '../command.js';
import { doctorCommand } from './doctor.js';

export const COMMANDS: Command[] = [doctorCommand];
