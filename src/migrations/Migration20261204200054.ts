import { Migration } from '@mikro-orm/migrations';

export class Migration20261204200054 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "interview_feedback" ("id" uuid not null, "session_id" uuid not null, "interviewer_name" text not null, "rating" smallint not null, "notes" text null, "created_at" timestamptz(3) not null, constraint "interview_feedback_pkey" primary key ("id"), constraint interview_feedback_notes_length_check check ((char_length(notes) <= 5000)), constraint interview_feedback_interviewer_name_length_check check ((char_length(interviewer_name) >= 1) AND (char_length(interviewer_name) <= 200)), constraint interview_feedback_rating_check check ((rating >= 1) AND (rating <= 5)));`);
    this.addSql(`create index "interview_feedback_session_created_at_index" on "interview_feedback" ("session_id", "created_at" desc, "id" desc) include ("rating");`);

    this.addSql(`alter table "interview_feedback" add constraint "interview_feedback_session_id_foreign" foreign key ("session_id") references "interview_session" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "interview_feedback" cascade;`);
  }

}
