// Pairs players in arrival order. Creating the game is someone else's job (the game service), passed in,
// so the pairing rules are tested without a network.
export type Ticket =
  | { status: 'waiting'; player: string }
  | { status: 'matched'; player: string; opponent: string; gameId: string };

export type CreateGame = (players: [string, string]) => Promise<{ id: string }>;

export class MatchQueue {
  private readonly waiting: string[] = [];
  private readonly matched = new Map<string, Ticket>();

  constructor(private readonly createGame: CreateGame) {}

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Queues a player; if someone was waiting, creates their game and returns the match. */
  async join(player: string): Promise<Ticket> {
    const existing = this.status(player);
    if (existing) return existing;
    const opponent = this.waiting.shift();
    if (opponent === undefined) {
      this.waiting.push(player);
      return { status: 'waiting', player };
    }
    let game: { id: string };
    try {
      game = await this.createGame([opponent, player]);
    } catch (error) {
      // The opponent keeps their place; the newcomer may retry.
      this.waiting.unshift(opponent);
      throw error;
    }
    const mine: Ticket = { status: 'matched', player, opponent, gameId: game.id };
    this.matched.set(opponent, { status: 'matched', player: opponent, opponent: player, gameId: game.id });
    this.matched.set(player, mine);
    return mine;
  }

  status(player: string): Ticket | undefined {
    if (this.waiting.includes(player)) return { status: 'waiting', player };
    return this.matched.get(player);
  }

  /** Removes a player from the queue (or forgets their match); true if they were known. */
  leave(player: string): boolean {
    const index = this.waiting.indexOf(player);
    if (index >= 0) this.waiting.splice(index, 1);
    return this.matched.delete(player) || index >= 0;
  }
}
