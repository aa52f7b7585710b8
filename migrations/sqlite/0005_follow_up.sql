CREATE TABLE `reminder_rules` (
	`cohort_id` integer NOT NULL,
	`rule` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`days` integer,
	`updated_by` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`cohort_id`, `rule`),
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `reminder_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cohort_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`detail` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`sent_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sent_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminder_sends_once_unique` ON `reminder_sends` (`cohort_id`,`user_id`,`kind`,`period`);--> statement-breakpoint
CREATE INDEX `reminder_sends_cohort_idx` ON `reminder_sends` (`cohort_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `cohort_members` ADD `due_date` text;--> statement-breakpoint
ALTER TABLE `cohort_members` ADD `reminders_off_at` integer;--> statement-breakpoint
ALTER TABLE `cohort_members` ADD `unsubscribe_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `cohort_members_unsubscribe_unique` ON `cohort_members` (`unsubscribe_token`);--> statement-breakpoint
ALTER TABLE `cohorts` ADD `archived_at` integer;