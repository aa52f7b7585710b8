CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`reset_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_reset_idx` ON `rate_limits` (`reset_at`);--> statement-breakpoint
ALTER TABLE `cohort_members` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `cohort_members` ADD `invited_by` integer REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `created_by` integer REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
-- Accounts that already have a password predate verification: their owners have used them.
UPDATE `users` SET `email_verified_at` = `created_at` WHERE `password_hash` IS NOT NULL;--> statement-breakpoint
-- Pending accounts belong to whoever made their first sign-in link (the importing trainer).
UPDATE `users` SET `created_by` = (SELECT `created_by` FROM `one_time_tokens` t WHERE t.`user_id` = `users`.`id` AND t.`purpose` = 'signin' ORDER BY t.`created_at` LIMIT 1) WHERE `password_hash` IS NULL;
