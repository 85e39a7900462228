import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";

/** Wakes the conversation's bot after a customer message was stored (call after commit). */
export async function scheduleBotRun(conversationId: string): Promise<void> {
  try {
    await enqueue(queues.botStep, { conversationId }, { singletonKey: conversationId });
  } catch (error) {
    console.error(`[bots] could not queue the bot for ${conversationId}: ${(error as Error).message}`);
  }
}
