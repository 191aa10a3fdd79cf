import { signUpApi } from "./support/api";
import { expect, logIn, signUp, test } from "./support/fixtures";

test.describe("signing up, in and out", () => {
  test("a new person signs up, stays signed in across reloads, and logs out for good", async ({ page, context }) => {
    const person = await signUp(page, "ann");
    await expect(page.getByText(person.username, { exact: true }).first()).toBeVisible();

    // The session is the HttpOnly cookie; script storage holds no token.
    const cookie = (await context.cookies()).find((c) => c.name === "parley_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);

    await page.reload();
    await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Rooms" })).toBeVisible();

    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign up" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Log out" })).toHaveCount(0);
  });

  test("logs in with the username or the email; a wrong password says so", async ({ page, baseURL }) => {
    const user = await signUpApi(baseURL ?? "", "bea");

    await page.goto("/");
    await page.getByLabel("Username or email").fill(user.username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong username, email or password");

    await logIn(page, user.username);
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();

    await logIn(page, user.email.toUpperCase());
    await expect(page.getByText(user.username, { exact: true }).first()).toBeVisible();
  });

  test("shows the server's field errors next to the fields", async ({ page, baseURL }) => {
    const taken = await signUpApi(baseURL ?? "", "cat");
    await page.goto("/");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByLabel("Username").fill("x!");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/trpc/auth.signup")),
      page.getByRole("button", { name: "Sign up" }).click(),
    ]);
    expect(response.status()).toBe(400);

    await expect(page.getByLabel("Username")).toHaveAccessibleDescription("Username must be 3–32 letters, digits or underscores");
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Enter a valid email address");
    await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Password must be at least 8 characters");
    await expect(page.getByLabel("Username")).toBeFocused();

    // Uniqueness only the server can know, under the field it concerns.
    await page.getByLabel("Username").fill(taken.username.toUpperCase());
    await page.getByLabel("Email").fill(`other_${taken.email}`);
    await page.getByLabel("Password").fill("long enough password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByLabel("Username")).toHaveAccessibleDescription(/is taken/);
    // The server says which field is taken (error.data.field): a taken email goes under Email.
    await page.getByLabel("Username").fill(`other_${taken.username}`);
    await page.getByLabel("Email").fill(taken.email);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("That email is already registered");
    await expect(page.getByLabel("Email")).toBeFocused();
  });
});
