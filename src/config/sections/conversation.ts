import { seconds, section } from "../fields.js";

export const conversationSection = section(
  {
    follow_up_seconds: seconds(0, 30)
      .default(0)
      .describe(
        'After a command, listen this long for a follow-up without the wake word ("and the hall light too", "turn it off"); 0 = off',
      ),
    answer_seconds: seconds(1, 30)
      .default(8)
      .describe(
        "After a reply that asks a question, how long to listen for the answer without the wake word",
      ),
  },
  "Conversation: follow-ups without the wake word",
);
