import type { DeviceRegistry } from "../intent/registry.js";
import type { Logger } from "../util/logger.js";
import type { Service, ServiceContext } from "./service.js";

/** log.level, applied live (log.format is fixed when the logger is made at start). */
export class LogLevel implements Service {
  readonly name = "log";
  readonly sections = ["log"] as const;
  readonly live = true;

  constructor(private readonly logger: Logger) {}

  async start({ config }: ServiceContext): Promise<void> {
    this.logger.level = config.log.level;
  }

  async reload(context: ServiceContext): Promise<void> {
    await this.start(context);
  }

  async stop(): Promise<void> {}
}

/** The configured devices in the registry (devices learned from discovery stay), applied live. */
export class ConfigDevices implements Service {
  readonly name = "devices";
  readonly sections = ["devices"] as const;
  readonly live = true;

  constructor(private readonly registry: DeviceRegistry) {}

  async start({ config }: ServiceContext): Promise<void> {
    this.registry.replaceConfigDevices(config.devices);
  }

  async reload(context: ServiceContext): Promise<void> {
    await this.start(context);
  }

  async stop(): Promise<void> {}
}
