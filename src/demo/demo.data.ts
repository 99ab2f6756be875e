/**
 * The vocabulary of the demo workspace: people, companies, interests and knowledge. All
 * addresses use reserved `.example` domains and phone numbers come from Ofcom's range for
 * drama (020 7946 0xxx), so demo data can never reach a real person.
 */

export const FIRST_NAMES = [
  'Ada', 'Adebayo', 'Aiko', 'Aisha', 'Alejandro', 'Amara', 'Amelia', 'Ana', 'Anders', 'Anika', 'Arjun', 'Astrid',
  'Ayesha', 'Beatriz', 'Ben', 'Bjørn', 'Bronwyn', 'Camila', 'Carlos', 'Chen', 'Chiara', 'Chidi', 'Chloe', 'Claire',
  'Daniel', 'Dara', 'David', 'Deepa', 'Diego', 'Dmitri', 'Eilidh', 'Elena', 'Elif', 'Emeka', 'Emma', 'Eoin',
  'Esther', 'Fatima', 'Felix', 'Fiona', 'Folake', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hamza', 'Hiroshi',
  'Ibrahim', 'Imogen', 'Ines', 'Isla', 'Ivan', 'Jack', 'James', 'Jamal', 'Javier', 'Jia', 'Joanna', 'José',
  'Juan', 'Kai', 'Kalani', 'Karim', 'Katarzyna', 'Kavya', 'Kenji', 'Kwame', 'Laila', 'Lars', 'Leila', 'Leo',
  'Lucia', 'Luis', 'Maeve', 'Malik', 'Mar', 'Maria', 'Mateo', 'Mei', 'Mia', 'Mohammed', 'Nadia', 'Naomi',
  'Nia', 'Niamh', 'Nikhil', 'Noah', 'Noor', 'Oliver', 'Olga', 'Olu', 'Omar', 'Oscar', 'Pablo', 'Paula',
  'Priya', 'Rafael', 'Rahul', 'Ravi', 'Rhys', 'Rosa', 'Ruth', 'Sakura', 'Samuel', 'Sara', 'Sean', 'Sebastian',
  'Siobhán', 'Sofia', 'Sophie', 'Sven', 'Tariq', 'Thomas', 'Tomás', 'Uma', 'Valentina', 'Wei', 'Xavier', 'Yara',
  'Yusuf', 'Zainab', 'Zara', 'Zoë',
] as const;

export const LAST_NAMES = [
  'Abara', 'Adeyemi', 'Ahmed', 'Ali', 'Andersson', 'Bakker', 'Banerjee', 'Barros', 'Bianchi', 'Brennan', 'Brown',
  'Campbell', 'Chatterjee', 'Chen', 'Clarke', 'Costa', 'Cruz', 'Das', 'Davies', 'Dubois', 'Duarte', 'Evans',
  'Fernández', 'Fischer', 'Fitzgerald', 'Garcia', 'Gonzalez', 'Gupta', 'Haddad', 'Hansen', 'Hughes', 'Hussain',
  'Ito', 'Ivanova', 'Jackson', 'Jensen', 'Johansson', 'Jones', 'Kaur', 'Kelly', 'Khan', 'Kim', 'Kowalski',
  'Kumar', 'Larsen', 'Lee', 'Lopez', 'MacLeod', 'Mahmoud', 'Martin', 'Mensah', 'Moreau', 'Morris', 'Murphy',
  'Nakamura', 'Nguyen', 'Novak', 'Nowak', 'Obi', "O'Brien", 'Okafor', 'Okonkwo', 'Olsen', 'Owusu', 'Park',
  'Patel', 'Pereira', 'Petrov', 'Popescu', 'Quinn', 'Rahman', 'Ramos', 'Reddy', 'Reyes', 'Roberts', 'Rossi',
  'Russo', 'Sato', 'Schmidt', 'Schneider', 'Silva', 'Singh', 'Smith', 'Sousa', 'Suzuki', 'Tanaka', 'Taylor',
  'Thomas', 'Torres', 'Tran', 'Van Dijk', 'Walker', 'Wang', 'Watanabe', 'Weber', 'Williams', 'Wilson', 'Wong',
  'Yamamoto', 'Yilmaz', 'Zhang', 'Zielinski',
] as const;

export const COMPANY_WORDS = [
  'Northwind', 'Bluebell', 'Harbour', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Oakridge', 'Pebble', 'Quarry',
  'Riverside', 'Saffron', 'Thistle', 'Umber', 'Willow', 'Copper', 'Falcon', 'Granite', 'Heather', 'Ivory',
  'Larch', 'Marigold', 'Nimbus', 'Orchard', 'Poppy', 'Rowan', 'Sparrow', 'Tidal', 'Vale', 'Wren', 'Yarrow',
  'Zephyr', 'Amber', 'Birch', 'Cobalt', 'Driftwood', 'Ember', 'Foxglove', 'Hawthorn', 'Indigo',
] as const;

export const COMPANY_KINDS = [
  'Studio', 'Bakery', 'Logistics', 'Dental', 'Architects', 'Coffee', 'Legal', 'Design', 'Florists', 'Labs',
  'Health', 'Analytics', 'Foods', 'Books', 'Cycles', 'Events', 'Media', 'Partners', 'Travel', 'Builders',
] as const;

export const PERSONAL_DOMAINS = ['mail.example', 'post.example', 'inbox.example', 'home.example'] as const;

export const PRODUCTS = ['annual plan', 'analytics add-on', 'onboarding package', 'support contract', 'team licence', 'starter kit'] as const;

export const PLACES = ['Lisbon', 'Edinburgh', 'Kyoto', 'Lagos', 'Oaxaca', 'the Lake District', 'Copenhagen', 'Cornwall', 'Seville', 'Marrakesh'] as const;

/** Interests are facts on contacts and topics of knowledge items: matching them is the point. */
export const INTERESTS = [
  'sailing', 'cycling', 'jazz', 'gardening', 'photography', 'wine', 'running', 'chess', 'cooking', 'hiking',
  'football', 'tennis', 'yoga', 'architecture', 'history', 'coffee', 'baking', 'birdwatching', 'pottery', 'travel',
] as const;

export const BUSINESS_TOPICS = ['pricing', 'logistics', 'marketing', 'hiring', 'tax', 'sustainability', 'security', 'analytics'] as const;

export const KNOWLEDGE_ITEMS: readonly { title: string; slug: string; topics: string[] }[] = [
  { title: 'Five sheltered anchorages on the south coast', slug: 'anchorages', topics: ['sailing', 'travel'] },
  { title: 'Choosing a gravel bike without the jargon', slug: 'gravel-bikes', topics: ['cycling'] },
  { title: 'Ten live jazz venues worth the detour', slug: 'jazz-venues', topics: ['jazz', 'travel'] },
  { title: 'A no-dig vegetable bed in one weekend', slug: 'no-dig', topics: ['gardening'] },
  { title: 'Shooting in low light with a phone', slug: 'low-light', topics: ['photography'] },
  { title: 'Natural wines under twenty pounds', slug: 'natural-wine', topics: ['wine'] },
  { title: 'From 5k to half marathon in twelve weeks', slug: 'half-marathon', topics: ['running'] },
  { title: 'Endgames every club player should know', slug: 'endgames', topics: ['chess'] },
  { title: 'One-pot dinners for busy weeks', slug: 'one-pot', topics: ['cooking'] },
  { title: 'Ridge walks of the Lake District', slug: 'ridge-walks', topics: ['hiking', 'travel'] },
  { title: 'How pressing won the league', slug: 'pressing', topics: ['football'] },
  { title: 'Fixing a late forehand', slug: 'forehand', topics: ['tennis'] },
  { title: 'Desk yoga in ten minutes', slug: 'desk-yoga', topics: ['yoga'] },
  { title: 'Brutalism, reconsidered', slug: 'brutalism', topics: ['architecture', 'history'] },
  { title: 'The coffee roasters our team swears by', slug: 'roasters', topics: ['coffee'] },
  { title: 'Sourdough troubleshooting guide', slug: 'sourdough', topics: ['baking', 'cooking'] },
  { title: 'Estuary birds in winter', slug: 'estuary-birds', topics: ['birdwatching'] },
  { title: 'Evening pottery classes in the city', slug: 'pottery-classes', topics: ['pottery'] },
  { title: 'Pricing pages that convert: a teardown', slug: 'pricing-teardown', topics: ['pricing', 'marketing'] },
  { title: 'Cutting last-mile delivery costs', slug: 'last-mile', topics: ['logistics'] },
  { title: 'Hiring your first operations manager', slug: 'first-ops-hire', topics: ['hiring'] },
  { title: 'VAT changes for small businesses this year', slug: 'vat-changes', topics: ['tax'] },
  { title: 'Measuring a small business carbon footprint', slug: 'carbon', topics: ['sustainability'] },
  { title: 'Phishing drills that staff do not hate', slug: 'phishing-drills', topics: ['security'] },
  { title: 'Dashboards that answer one question each', slug: 'dashboards', topics: ['analytics'] },
];

export const PREFERENCES = [
  'Prefers a call to long emails',
  'Likes a one-page summary before meetings',
  'Prefers meetings on Tuesday mornings',
  'Vegetarian',
  'Prefers to be contacted by email only',
  'Likes invoices at the start of the month',
  'Takes tea, not coffee',
] as const;

export const GIFT_IDEAS = [
  'Single-origin coffee beans',
  'A good bottle of natural wine',
  'Tickets to a jazz night',
  'A book on modern architecture',
  'Seeds for the vegetable garden',
  'A print by a local photographer',
  'Handmade pottery mug',
] as const;

export const FAMILY = ['Two children, Sam and Leo', 'Married to Chris', 'Has a dog called Biscuit', 'Daughter starts university this autumn'] as const;

export const ACHIEVEMENTS = [
  'Launched a new product line',
  'Won a regional business award',
  'Opened a second location',
  'Promoted to head of operations',
  'Finished a first marathon',
] as const;

export const COMMITMENTS = [
  'Send the revised proposal',
  'Share the onboarding checklist',
  'Call back about the renewal',
  'Deliver the quarterly report',
  'Book the workshop venue',
  'Send the signed contract',
] as const;
