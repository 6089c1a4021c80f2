# Cached answers get the parts of their new key (provider, prompts, passages, conversation).

from django.db import migrations, models


def forget_cached_answers(apps, schema_editor):
    # Entries keyed the old way (only the question's word characters and article ids) may
    # have been poisoned or written by another provider: none is served again.
    apps.get_model("conversations", "CachedAnswer").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_conversation_browser_language"),
    ]

    operations = [
        migrations.RunPython(forget_cached_answers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="cachedanswer",
            name="provider",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="cachedanswer",
            name="prompt_version",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="cachedanswer",
            name="passage_digests",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="cachedanswer",
            name="conversation",
            field=models.CharField(db_index=True, default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="cachedanswer",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
    ]
