CREATE TABLE `compliance_targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`percent` integer NOT NULL,
	`due_date` text NOT NULL,
	`place_id` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
