import { Migration } from '@mikro-orm/migrations';

export class Migration20261204191706 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "interview_session" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "interview_session" drop column "version";`);
  }

}
