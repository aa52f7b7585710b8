CREATE TABLE `organisation_names` (
	`organisation_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name_key` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_names_unique` ON `organisation_names` (`kind`,`name_key`,`organisation_id`);--> statement-breakpoint
CREATE INDEX `organisation_names_org_idx` ON `organisation_names` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`parent_id` integer,
	`code` text,
	`name_en` text DEFAULT '' NOT NULL,
	`name_ru` text DEFAULT '' NOT NULL,
	`search_text` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_kind_code_unique` ON `organisations` (`kind`,`code`) WHERE code IS NOT NULL;--> statement-breakpoint
CREATE INDEX `organisations_parent_idx` ON `organisations` (`parent_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `organisation_id` integer REFERENCES organisations(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `users_organisation_idx` ON `users` (`organisation_id`);