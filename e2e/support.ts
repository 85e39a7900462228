import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { readState } from "./state";

// Steps every spec shares: signing in through the real form, and driving the simulator's scripting API.
const state = readState();

export async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${state.baseURL}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function sim<T = unknown>(
  request: APIRequestContext,
  method: string,
  path: string,
  data?: unknown,
) {
  const res = await request.fetch(`${state.simulatorURL}/sim/api${path}`, { method, data });
  expect(res.ok(), `${method} ${path}`).toBe(true);
  return (await res.json()) as T;
}
