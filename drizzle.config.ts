import { defineConfig } from 'drizzle-kit';

// Generates table DDL from bff/db/schema.ts. Roles, grants, functions and policies are
// hand-written migrations (`npm run db:generate -- --custom --name <name>`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './bff/db/schema.ts',
  out: './bff/db/migrations',
});
