import { MqttArbitration } from "../mqtt/arbitration.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { Service, ServiceContext } from "./service.js";

/** How long the start waits for the group's broker, as for the main MQTT client. */
const FIRST_ATTEMPT_MS = 3000;

/**
 * The rooms group (rooms.group, docs/rooms.md): the claims' own MQTT client, handed to the
 * pipeline's arbitration gate. Without a group it starts nothing and the board answers alone.
 * Started after the pipeline and MQTT; a SIGHUP that changes rooms, mqtt or the site
 * restarts it alone.
 */
export class RoomsService implements Service {
  readonly name = "rooms";
  readonly sections = ["rooms", "mqtt", "site"] as const;
  #client: MqttArbitration | null = null;

  constructor(
    private readonly pipeline: () => Pipeline,
    private readonly logger: Logger,
  ) {}

  async start({ config }: ServiceContext): Promise<void> {
    this.#client = MqttArbitration.start({ config, logger: componentLogger(this.logger, "rooms") });
    if (!this.#client) return;
    await this.#client.firstAttempt(FIRST_ATTEMPT_MS);
    this.pipeline().rooms.set(this.#client);
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    this.pipeline().rooms.set(null);
    await client.stop();
  }
}
