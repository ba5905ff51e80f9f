import { configChanges, type Section } from "../config/changes.js";
import type { Config } from "../config/schema.js";
import { isEdgeVoiceError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import { planReload, type ReloadAction, type ReloadPlan, type ReloadUnit } from "./reload.js";

/** What a service is started (or reloaded) with. */
export interface ServiceContext {
  readonly config: Config;
}

/**
 * One part of the daemon, as zigbee2mqtt's extensions: the constructor only stores its
 * dependencies (other services it reads after they started); `start` builds and connects;
 * `stop` releases, and is safe after a failed or partial start.
 */
export interface Service {
  readonly name: string;
  /** The top-level config sections it reads: the reload plan is derived from them. */
  readonly sections: readonly Section[];
  /** A failure to start is logged and the daemon runs on without it (metrics, feedback, recordings). */
  readonly optional?: boolean;
  /** Applies any change of its sections in place (`reload` is then required). */
  readonly live?: boolean;
  /** Parts the plan names separately (the model stages); default: the service as one unit. */
  readonly units?: readonly ReloadUnit[];
  start(context: ServiceContext): Promise<void>;
  /**
   * SIGHUP, with this service's part of the plan. Without it a restart is stop, then start.
   * Throwing leaves the config as it was only if nothing changed yet: the first service in
   * the list that can fail this way (the model stages) does all or nothing.
   */
  reload?(context: ServiceContext, plan: ReadonlyMap<string, ReloadAction>): Promise<void>;
  stop(): Promise<void>;
}

/** The reload units of a service: its own parts, or itself. */
export function unitsOf(service: Service): readonly ReloadUnit[] {
  return service.units ?? [{ name: service.name, sections: service.sections, live: service.live }];
}

/**
 * The daemon as an ordered list of services. Start runs in order; a required service that
 * fails stops the ones already started (in reverse) and the error goes up (its exit code
 * with it); an optional one is logged and skipped. Stop runs in reverse order and goes on
 * past a failing service. A reload restarts or reloads only what the plan names.
 */
export class ServiceList {
  readonly #running = new Set<Service>();

  constructor(
    private readonly services: readonly Service[],
    private readonly logger: Logger,
  ) {}

  /** Names of the services running now, in order. */
  get running(): string[] {
    return this.services.filter((s) => this.#running.has(s)).map((s) => s.name);
  }

  async start(context: ServiceContext): Promise<void> {
    for (const service of this.services) {
      try {
        await this.#startOne(service, context);
      } catch (error) {
        await this.stop();
        throw error;
      }
    }
  }

  async stop(): Promise<void> {
    for (const service of [...this.services].reverse()) {
      if (!this.#running.delete(service)) continue;
      try {
        await service.stop();
      } catch (error) {
        this.logger.error({ err: error, service: service.name }, `${service.name}: stop failed`);
      }
    }
  }

  /** The plan for going from `before` to `after` (every service's units; optional ones too). */
  plan(before: Config, after: Config, changes = configChanges(before, after)): ReloadPlan {
    return planReload(this.services.flatMap(unitsOf), changes);
  }

  /**
   * Applies a plan in service order. An optional service that was not running is started
   * (its settings may have been fixed); one that fails to restart is logged and left off.
   */
  async reload(context: ServiceContext, plan: ReloadPlan): Promise<void> {
    for (const service of this.services) {
      const mine = new Map([...plan].filter(([name]) => unitsOf(service).some((u) => u.name === name)));
      if (mine.size === 0) continue;
      if (!this.#running.has(service)) {
        if (service.optional) await this.#startOne(service, context);
        continue;
      }
      if (service.reload) {
        await service.reload(context, mine);
        continue;
      }
      this.#running.delete(service);
      await service.stop();
      await this.#startOne(service, context);
    }
  }

  async #startOne(service: Service, context: ServiceContext): Promise<void> {
    try {
      await service.start(context);
      this.#running.add(service);
    } catch (error) {
      // A partial start (a broker started, then the client failed) is released either way.
      await service.stop().catch(() => undefined);
      if (!service.optional) throw error;
      const detail = isEdgeVoiceError(error)
        ? { code: error.code, hint: error.hint, message: error.message }
        : { err: error };
      this.logger.error(
        { service: service.name, ...detail },
        `${service.name} did not start; running without it`,
      );
    }
  }
}
