import { Migration } from '@mikro-orm/migrations';

export class Migration20261126201823 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "interview_session" ("id" uuid not null, "title" text not null, "candidate_name" text not null, "status" text check ("status" in ('scheduled', 'in_progress', 'completed', 'cancelled')) not null default 'scheduled', "scheduled_at" timestamptz(3) null, "started_at" timestamptz(3) null, "completed_at" timestamptz(3) null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "interview_session_pkey" primary key ("id"), constraint interview_session_candidate_name_length_check check ((char_length(candidate_name) >= 1) AND (char_length(candidate_name) <= 200)), constraint interview_session_title_length_check check ((char_length(title) >= 1) AND (char_length(title) <= 200)));`);
    this.addSql(`create index "interview_session_status_created_at_index" on "interview_session" ("status", "created_at" desc, "id" desc);`);
    this.addSql(`create index "interview_session_created_at_index" on "interview_session" ("created_at" desc, "id" desc);`);
    this.addSql(`create index "interview_session_status_index" on "interview_session" ("status");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "interview_session" cascade;`);
  }

}
