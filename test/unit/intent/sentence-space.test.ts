import { describe, expect, it } from "vitest";
import type { DeviceConfig } from "../../../src/config/schema.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { buildSentenceGraph } from "../../../src/intent/sentence-space/build.js";
import { SentenceSpaceCache } from "../../../src/intent/sentence-space/cache.js";
import type { GraphState, SentenceGraph } from "../../../src/intent/sentence-space/graph.js";
import { SentenceSpace } from "../../../src/intent/sentence-space/space.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import { compileTemplates } from "../../../src/intent/templates/compile.js";
import { TemplateRecognizer } from "../../../src/intent/templates/recognizer.js";
import { Vocabulary, VocabularyCache } from "../../../src/intent/vocabulary.js";
import { homeConfig, homeRegistry, phrasings } from "./home.js";

const compiled = compileTemplates();

function graphOf(registry: DeviceRegistry, wakePhrases = ["hey jarvis"]): SentenceGraph {
  return buildSentenceGraph({ compiled, vocabulary: new Vocabulary(registry.all()), wakePhrases });
}

/** Walks a whole transcript as Whisper writes it; returns whether it is a complete sentence. */
function accepts(graph: SentenceGraph, text: string): boolean {
  const spelled = spellText(text);
  const at = spelled === null ? null : graph.walk(graph.start, spelled);
  return at !== null && graph.isComplete(at);
}

type Spec = [id: string, name: string, domain: string, area: string];

/** Devices validated by the config schema (its defaults filled in). */
function devices(...specs: Spec[]): DeviceConfig[] {
  const raw = specs.map(([id, name, domain, area]) => ({
    id,
    name,
    domain,
    area,
    command_topic: `home/${id}/set`,
  }));
  return homeConfig({ devices: raw }).devices;
}

describe("sentence space", () => {
  const registry = homeRegistry();
  const graph = graphOf(registry);

  it("accepts every phrasing the templates understand word for word", () => {
    const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
    const understood = phrasings().filter((p) => !p.fuzzy && recognizer.recognize(p.say) !== null);
    expect(understood.length).toBeGreaterThan(60);
    const missed = understood.filter((p) => !accepts(graph, p.say)).map((p) => p.say);
    expect(missed).toEqual([]);
  });

  it("takes Whisper's casing, punctuation, digits and symbols", () => {
    for (const text of [
      "Turn on the kitchen light.",
      " turn on the kitchen light",
      "Set the bedside lamp to 40%.",
      "Set the bedside lamp to 40 percent.",
      "Set the bedside lamp to forty-five percent",
      "Set the thermostat to 21 degrees.",
      "Set a timer for 10 minutes.",
      "Set a timer for an hour and a half.",
      "Set a timer for one and a half hours",
      "Set a timer for half an hour.",
      "Start a timer for 2 hours and 5 minutes",
      "Hey Jarvis, turn on the kitchen light.",
      "Jarvis turn off the kitchen lights",
      "Please turn on the kitchen light, thanks.",
    ]) {
      expect(accepts(graph, text), text).toBe(true);
    }
  });

  it("refuses what no template says, and half sentences", () => {
    for (const text of [
      "What's the weather like tomorrow?",
      "turn on the kitchen",
      "Set the bedside lamp to",
      "lock the kitchen light",
      "Set the kitchen light to 21 degrees",
      "Set a timer for 10",
      "turn on the kitchen light kitchen light",
    ]) {
      expect(accepts(graph, text), text).toBe(false);
    }
  });

  it("commands only: the same commands, wake phrase and all, without fillers or follow-up shapes", () => {
    const plain = buildSentenceGraph({
      compiled,
      vocabulary: new Vocabulary(registry.all()),
      wakePhrases: ["hey jarvis"],
      commandsOnly: true,
    });
    for (const text of ["Turn on the kitchen light.", "Hey Jarvis, set a timer for 10 minutes."]) {
      expect(accepts(plain, text), text).toBe(true);
    }
    for (const text of [
      "Please turn on the kitchen light, thanks.",
      "So, now, turn on the kitchen light",
      "And the kitchen light too.",
    ]) {
      expect(accepts(graph, text), text).toBe(true);
      expect(accepts(plain, text), text).toBe(false);
    }
    const space = new SentenceSpaceCache(
      compiled,
      registry,
      new TemplateRecognizer(compiled, new VocabularyCache(registry), 1),
      ["hey jarvis"],
    ).get();
    const walk = (text: string) => {
      let state: unknown = space.commands?.start;
      for (const char of spellText(text) ?? "") state = state && space.commands?.step(state as never, char);
      return state !== null && state !== undefined && space.commands?.isComplete(state as never) === true;
    };
    expect(walk("turn on the kitchen light")).toBe(true);
    expect(walk("so turn on the kitchen light")).toBe(false);
  });

  it("names every character a state can take: the walk of the token trie asks it first", () => {
    const alphabet = [..."abcdefghijklmnopqrstuvwxyz0123456789 ."];
    const sentences = phrasings()
      .map((p) => spellText(p.say))
      .filter((s): s is string => s !== null);
    expect(sentences.length).toBeGreaterThan(60);
    let checked = 0;
    for (const sentence of sentences) {
      let at: GraphState | null = graph.start;
      for (const char of sentence) {
        if (!at) break;
        const possible = graph.nextChars(at);
        for (const c of alphabet) {
          // No character it leaves out goes on; none it names is a dead end inside a word.
          if (graph.step(at, c) !== null)
            expect(possible.has(c), `${JSON.stringify(c)} in ${sentence}`).toBe(true);
        }
        checked++;
        at = graph.step(at, char);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("tells a complete sentence from one that can go on", () => {
    const at = (text: string) => graph.walk(graph.start, spellText(text) as string);
    const prefix = at("set the bedside lamp to");
    expect(prefix).not.toBeNull();
    expect(graph.isComplete(prefix as never)).toBe(false);
    expect(graph.canContinue(prefix as never)).toBe(true);
    const partWord = at("turn on the kitch");
    expect(partWord && graph.isComplete(partWord)).toBe(false);
    expect(graph.walk(graph.start, "turn on the kitchen lix")).toBeNull();
    const done = at("Set the bedside lamp to 40%");
    expect(done && graph.isComplete(done)).toBe(true);
  });

  it("spells token texts in the graph's alphabet", () => {
    expect(spellText(" Turn")).toBe(" turn");
    expect(spellText(".")).toBe(".");
    expect(spellText(", ")).toBe(" ");
    expect(spellText("%")).toBe(" percent ");
    expect(spellText("'s")).toBe("s");
    expect(spellText("21°C")).toBe("21 degrees ");
    expect(spellText(" Café")).toBe(" café");
    expect(spellText("'")).toBeNull();
  });

  it("shares slots by reference: 200 devices cost nodes per name, not per template", () => {
    const small = graphOf(homeRegistry()).size;
    const many = new DeviceRegistry(
      devices(
        ...Array.from(
          { length: 200 },
          (_, i): Spec => [`light_${i}`, `lamp number ${i}`, "light", `room ${i % 20}`],
        ),
      ),
    );
    const big = graphOf(many);
    expect(big.size.edges).toBeLessThan(small.edges + 200 * 2 * 4 * 8);
    expect(big.size.networks).toBeLessThan(40);
    expect(accepts(big, "Turn on lamp number 173 in room 13.")).toBe(true);
    expect(accepts(big, "Set lamp number 5 to 40%.")).toBe(true);
    expect(accepts(big, "Turn on lamp number 201.")).toBe(false);
  });

  it("keeps {name} to what the template acts on", () => {
    const reg = new DeviceRegistry(
      devices(["front_door", "front door", "lock", "hallway"], ["porch", "porch light", "light", "hallway"]),
    );
    const g = graphOf(reg);
    expect(accepts(g, "Lock the front door.")).toBe(true);
    expect(accepts(g, "Lock the porch light.")).toBe(false);
    expect(accepts(g, "Set the front door to 40%.")).toBe(false);
  });
});

describe("SentenceSpace", () => {
  const registry = new DeviceRegistry(
    devices(
      ["front_door", "front door", "lock", "hallway"],
      ["kitchen_light", "kitchen light", "light", "kitchen"],
    ),
  );
  const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
  const space = new SentenceSpace(graphOf(registry), recognizer, registry, ["hey jarvis"]);

  it("understands what the templates match, with or without the wake phrase, and a yes", () => {
    expect(space.understands("Turn on the kitchen light.")).toBe(true);
    expect(space.understands("Hey Jarvis, turn on the kitchen light.")).toBe(true);
    expect(space.understands("Jarvis turn on the kitchen light")).toBe(true);
    expect(space.understands("Yes.")).toBe(true);
    expect(space.understands("In the kitchen light.")).toBe(false);
  });

  it("sees a guess that flips the action", () => {
    expect(space.contradicts("Unlock the front door.", "Lock the front door.")).toBe(true);
    expect(space.contradicts("Lock the front door.", "unlock the front door")).toBe(true);
    expect(space.contradicts("Turn of the kitchen light.", "turn off the kitchen light")).toBe(false);
    expect(space.contradicts("In the kitchen light.", "turn on the kitchen light")).toBe(false);
    expect(space.contradicts("Turn on the kitchen lie.", "turn off the kitchen light")).toBe(true);
  });

  it("knows sensitive actions", () => {
    expect(space.isSensitive("unlock the front door")).toBe(true);
    expect(space.isSensitive("lock the front door")).toBe(false);
    expect(space.isSensitive("turn on the kitchen light")).toBe(false);
  });

  it("knows the actions on what guards the home, either way, and not a question about it", () => {
    expect(space.guardsHome("Unlock the front door.")).toBe(true);
    expect(space.guardsHome("Lock, front door.")).toBe(true);
    expect(space.guardsHome("Hey Jarvis, lock the front door")).toBe(true);
    expect(space.guardsHome("What's the front door?")).toBe(false);
    expect(space.guardsHome("turn on the kitchen light")).toBe(false);
    expect(space.guardsHome("I like the front door.")).toBe(false);
  });

  it("knows every word its sentences are made of: the templates', the names', the wake phrase's and the numbers'", () => {
    const words = space.words();
    for (const word of [
      "turn",
      "on",
      "off",
      "kitchen",
      "light",
      "front",
      "door",
      "jarvis",
      "timer",
      "21",
      "forty",
      "percent",
    ])
      expect(words.has(word), word).toBe(true);
    for (const word of ["music", "tonight", "plumber", "garage"]) expect(words.has(word), word).toBe(false);
  });

  it("reads a text as the intent stage would, misheard names and all", () => {
    const fuzzy = new TemplateRecognizer(compiled, new VocabularyCache(registry), 0.8);
    const reading = new SentenceSpace(
      graphOf(registry),
      recognizer,
      registry,
      ["hey jarvis"],
      [],
      undefined,
      fuzzy,
    );
    const kitchenOn = reading.meaning("turn on the kitchen light");
    expect(reading.readsAs("Hey Jarvis, turn on the kitchen light.")).toBe(kitchenOn);
    // Not understood word for word, yet the intent stage would act on it.
    expect(reading.understands("Turn on the kitchen lite.")).toBe(false);
    expect(reading.readsAs("Turn on the kitchen lite.")).toBe(kitchenOn);
    expect(reading.readsAs("In the kitchen light.")).toBeNull();
    // Without the intent stage's recognizer, the exact one reads.
    expect(space.readsAs("Turn on the kitchen lite.")).toBeNull();
  });

  it("finds the words of devices' names, aliases and areas in a text", () => {
    expect(space.nameWords("Hey Jarvis, hold up, front door.")).toEqual(["front", "door"]);
    expect(space.nameWords("Hey Jarvis, call me a planner.")).toEqual([]);
  });

  it("tells a word that names a device or an area alone from a part of a name", () => {
    expect(space.isWholeName("hallway")).toBe(true);
    expect(space.isWholeName("Kitchen")).toBe(true);
    expect(space.isWholeName("light")).toBe(false);
    expect(space.isWholeName("door")).toBe(false);
  });

  it("tells a text that begins with the wake phrase, in any of its spellings", () => {
    expect(space.startsWithWake("Hey Jarvis, hold the timer.")).toBe(true);
    expect(space.startsWithWake("Hey, Jarvis, set the thermostat to 21 degrees.")).toBe(true);
    expect(space.startsWithWake("Jarvis turn off the kitchen lights")).toBe(true);
    expect(space.startsWithWake("Hold the timer.")).toBe(false);
    expect(space.startsWithWake("Here Jarvis, hold the plumber.")).toBe(false);
  });

  it("tells a text that is the wake phrase and nothing else (a search's seed)", () => {
    expect(space.isWakeOnly(" Hey Jarvis,")).toBe(true);
    expect(space.isWakeOnly("Hey, Jarvis.")).toBe(true);
    expect(space.isWakeOnly("Jarvis,")).toBe(true);
    expect(space.isWakeOnly("Hey")).toBe(false);
    expect(space.isWakeOnly("Hey Jarvis, turn")).toBe(false);
    expect(space.isWakeOnly("Here Jarvis,")).toBe(false);
    expect(space.isWakeOnly(",")).toBe(false);
  });

  it("reads a text past a misheard first word of the wake phrase, as the pipeline strips it", () => {
    expect(space.understands("Here Jarvis, turn off the kitchen light.")).toBe(true);
    expect(space.understands("Okay, Jarvis, turn off the kitchen light.")).toBe(true);
    expect(space.meaning("Here Jarvis turn off the kitchen light.")).toBe(
      space.meaning("Turn off the kitchen light."),
    );
    // Only the first word, only before the phrase's last word.
    expect(space.understands("Well here Jarvis, turn off the kitchen light.")).toBe(false);
    expect(space.understands("Here Travis, turn off the kitchen light.")).toBe(false);
  });

  it("reverses a lock as Whisper would write an unlock it half heard, and nothing else", () => {
    expect(space.reversals("Lock the front door.")).toEqual(["Unlock the front door."]);
    expect(space.reversals("And lock the front door.").sort()).toEqual([
      "And unlock the front door.",
      "Unlock the front door.",
    ]);
    // An unlock asks for a spoken yes: no score check on top of that.
    expect(space.reversals("Hey Jarvis, unlock the front door")).toEqual([]);
    expect(space.reversals("Hey Jarvis, lock the front door")).toEqual(["Hey Jarvis, unlock the front door"]);
    expect(space.reversals("turn on the kitchen light")).toEqual([]);
    expect(space.reversals("What's the front door?")).toEqual([]);
  });

  it("names the lights only for a command that picks them by kind alone", () => {
    // Each name's words before its kind, and each area.
    expect(space.namings("Hey Jarvis, turn off the light.").sort()).toEqual([
      "Hey Jarvis, turn off the front light.",
      "Hey Jarvis, turn off the hallway light.",
      "Hey Jarvis, turn off the kitchen light.",
    ]);
    expect(space.namings("turn off all the lights").length).toBeGreaterThan(0);
    // A name or an area said: nothing was dropped there.
    expect(space.namings("turn off the kitchen light")).toEqual([]);
    expect(space.namings("turn off the lights in the kitchen")).toEqual([]);
    expect(space.namings("cancel the timer")).toEqual([]);
    expect(space.namings("the weather is nice")).toEqual([]);
  });

  it("is rebuilt after the registry changes, off the caller's path", async () => {
    const reg = new DeviceRegistry(devices(["kitchen_light", "kitchen light", "light", "kitchen"]));
    const cache = new SentenceSpaceCache(
      compiled,
      reg,
      new TemplateRecognizer(compiled, new VocabularyCache(reg), 1),
      [],
    );
    const first = cache.get();
    reg.upsert(devices(["porch", "porch light", "light", "hallway"])[0] as DeviceConfig, "discovery");
    expect(cache.get()).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));
    const second = cache.get();
    expect(second).not.toBe(first);
    expect(accepts(second.graph, "turn on the porch light")).toBe(true);
    cache.dispose();
  });
});

describe("SentenceSpace.meaning", () => {
  it("is the same for sentences asking the same thing", () => {
    const registry = homeRegistry();
    const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
    const space = new SentenceSpace(graphOf(registry), recognizer, registry, ["hey jarvis"]);
    expect(space.meaning("timer for 10 minutes")).toBe(space.meaning("And timer for ten minutes."));
    expect(space.meaning("hey jarvis turn on the kitchen light")).toBe(
      space.meaning("turn on the kitchen lights"),
    );
    expect(space.meaning("turn on the kitchen light")).not.toBe(space.meaning("turn off the kitchen light"));
    expect(space.meaning("What's the weather like tomorrow?")).toBe("whats the weather like tomorrow");
  });
});

describe("SentenceSpace.group and fillers", () => {
  const registry = homeRegistry();
  const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
  const space = new SentenceSpace(
    graphOf(registry),
    recognizer,
    registry,
    ["hey jarvis"],
    compiled.skipPhrases,
  );

  it("group: the command's first word, after the wake phrase and the fillers (the beam's diversity key)", () => {
    expect(space.group("turn on the kitchen")).toBe("turn");
    expect(space.group("Hey Jarvis, set the thermostat")).toBe("set");
    expect(space.group("jarvis set")).toBe("set");
    expect(space.group("And all the")).toBe("all");
    expect(space.group("So, now, the coffee")).toBe("the");
    expect(space.group("hey jarvis")).toBe("");
    // Still in the fillers: one group, whichever they are.
    expect(space.group("So, now")).toBe("");
    expect(space.group("Thank you")).toBe("");
  });

  it("group of two words: 'Turn on the' and 'Turn the' apart, punctuation between them ignored", () => {
    expect(space.group("Turn on the kitchen", 2)).toBe("turn on");
    expect(space.group("Turn on, the", 2)).toBe("turn on");
    expect(space.group("Turn the cooker light off", 2)).toBe("turn the");
    expect(space.group("Hey Jarvis, so, turn", 2)).toBe("turn");
    expect(space.group("So, now", 2)).toBe("");
  });

  it("fillers: the words the templates' matcher drops around the command", () => {
    expect(space.fillers("Hey Jarvis, turn on the kitchen light.")).toBe(0);
    expect(space.fillers("So, now, the coffee maker")).toBe(2);
    expect(space.fillers("Thank you so much")).toBe(3);
    expect(space.fillers("turn on the kitchen light, please, thank you")).toBe(3);
    // Inside the command they are words like any other.
    expect(space.fillers("set a timer for an hour and a half")).toBe(0);
  });
});

describe("SentenceSpace.isWhole", () => {
  const registry = homeRegistry();
  const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
  const space = new SentenceSpace(graphOf(registry), recognizer, registry, ["hey jarvis"]);

  it("is true for a command nothing meaningful can follow", () => {
    for (const text of [
      "Turn on the kitchen light.",
      "Hey Jarvis, turn off the kitchen light.",
      "Set the bedside lamp to 40%.",
      "Turn off the christmas tree",
      "cancel the timer",
    ]) {
      expect(space.isWhole(text), text).toBe(true);
    }
  });

  it("is false for a prefix, a number that can go on, a timer, and what is not a sentence", () => {
    for (const text of [
      "Set the bedside lamp to",
      "Set the bedside lamp to 40",
      "Set the bedside lamp to forty",
      "Set a timer for 10 minutes.",
      "Turn on the",
      "What's the weather like tomorrow?",
    ]) {
      expect(space.isWhole(text), text).toBe(false);
    }
  });
});

describe("SentenceSpace.rivalNames: a name heard in part that fits two devices", () => {
  const registry = new DeviceRegistry(
    devices(
      ["bedroom_light", "bedroom light", "light", "bedroom"],
      ["living_room_lamp", "living room lamp", "light", "living_room"],
      ["kitchen_light", "kitchen light", "light", "kitchen"],
      ["garage_door", "garage door", "cover", "garage"],
      ["front_door", "front door", "lock", "hall"],
    ),
  );
  const recognizer = new TemplateRecognizer(compiled, new VocabularyCache(registry), 1);
  const space = new SentenceSpace(graphOf(registry), recognizer, registry, ["hey jarvis"]);

  it("'room light' completed as the living room's light: the bedroom light fits as well, and the other way", () => {
    expect(
      space.rivalNames("Hey Jarvis, turn on room light.", "Hey Jarvis, turn on, living room light."),
    ).toEqual(["bedroom light"]);
    expect(
      space.rivalNames("Hey Jarvis, turn on room light.", "Hey Jarvis, turn on the bedroom light."),
    ).toEqual(["living room light"]);
    expect(
      space.rivalNames("Here Jarvis, turn off room lights.", "Hey Jarvis, turn off, living room lights."),
    ).toEqual(["bedroom light"]);
  });

  it("none when the name was heard whole, or what was heard fits no other device", () => {
    expect(space.rivalNames("Turn on the bedroom light.", "Turn on the bedroom light.")).toEqual([]);
    // Only the living room has a lamp.
    expect(space.rivalNames("Switch off room lamp.", "Switch off the living room lamp.")).toEqual([]);
    // No name word heard at all: nothing was completed (other rules judge such guesses).
    expect(space.rivalNames("Hey Jarvis, what is this?", "Hey Jarvis, turn on the kitchen light.")).toEqual(
      [],
    );
  });

  it("only names that make the guess a command too: the front door cannot be shut", () => {
    expect(space.rivalNames("Shut the door.", "Shut the garage door.")).toEqual([]);
  });
});
