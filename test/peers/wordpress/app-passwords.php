<?php
/**
 * `php app-passwords.php <site folder> <site url> revoke|create <user id>`: revokes every application password of
 * the user, or creates a new one and prints it (a person reconnecting the channel).
 */
// Read before wp-load.php: WordPress sets globals such as $action while it loads.
[, $metronome_site, $metronome_url, $metronome_action, $metronome_user] = $argv;
$parts = parse_url($metronome_url);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
require $metronome_site . '/wp-load.php';
if ($metronome_action === 'revoke') {
    WP_Application_Passwords::delete_all_application_passwords((int) $metronome_user);
    echo "revoked\n";
} else {
    $created = WP_Application_Passwords::create_new_application_password((int) $metronome_user, ['name' => 'metronome-test-' . time()]);
    if (is_wp_error($created)) {
        fwrite(STDERR, $created->get_error_message());
        exit(1);
    }
    echo $created[0], "\n";
}
